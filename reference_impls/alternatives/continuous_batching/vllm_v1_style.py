"""Correct, in the style of vLLM v1's scheduler: Request objects with a RequestStatus, a KVCacheManager whose
allocate_slots returns None when the free queue is short (and whose free() returns a request's blocks tail
first, as vLLM does), the running pass's `while True` allocate-or-preempt loop with can_schedule, a token_budget,
and the waiting pass skipped in a step that preempted. block_tables is a view of the manager's req_to_blocks."""

import enum
from collections import deque


class RequestStatus(enum.Enum):
    WAITING = enum.auto()
    RUNNING = enum.auto()
    PREEMPTED = enum.auto()
    FINISHED = enum.auto()


class Request:
    def __init__(self, request_id, num_prompt_tokens, max_tokens):
        self.request_id = request_id
        self.num_prompt_tokens = num_prompt_tokens
        self.max_tokens = max_tokens
        self.num_output_tokens = 0
        self.num_computed_tokens = 0
        self.status = RequestStatus.WAITING

    @property
    def num_tokens(self):
        return self.num_prompt_tokens + self.num_output_tokens


class KVCacheManager:
    def __init__(self, num_blocks, block_size):
        self.block_size = block_size
        self.free_block_queue = deque(range(num_blocks))
        self.req_to_blocks = {}

    def allocate_slots(self, request, num_new_tokens):
        blocks = self.req_to_blocks.get(request.request_id, [])
        num_required = -(-(request.num_computed_tokens + num_new_tokens) // self.block_size)
        num_new_blocks = num_required - len(blocks)
        if num_new_blocks > len(self.free_block_queue):
            return None
        new_blocks = [self.free_block_queue.popleft() for _ in range(max(0, num_new_blocks))]
        self.req_to_blocks[request.request_id] = blocks + new_blocks
        return new_blocks

    def free(self, request):
        blocks = self.req_to_blocks.pop(request.request_id, [])
        self.free_block_queue.extend(reversed(blocks))  # tail blocks first, as vLLM


class Scheduler:
    def __init__(self, num_blocks, block_size, max_num_batched_tokens, max_num_seqs):
        self.max_num_scheduled_tokens = max_num_batched_tokens
        self.max_num_running_reqs = max_num_seqs
        self.kv_cache_manager = KVCacheManager(num_blocks, block_size)
        self.requests = {}
        self.waiting = deque()
        self.running = []

    @property
    def block_tables(self):
        return self.kv_cache_manager.req_to_blocks

    def num_free_blocks(self):
        return len(self.kv_cache_manager.free_block_queue)

    def add_request(self, request_id, num_prompt_tokens, max_new_tokens):
        request = Request(request_id, num_prompt_tokens, max_new_tokens)
        self.requests[request_id] = request
        self.waiting.append(request)

    def schedule(self):
        scheduled = []
        preempted_reqs = []
        token_budget = self.max_num_scheduled_tokens
        req_index = 0
        while req_index < len(self.running) and token_budget > 0:
            request = self.running[req_index]
            num_new_tokens = min(request.num_tokens - request.num_computed_tokens, token_budget)
            while True:
                new_blocks = self.kv_cache_manager.allocate_slots(request, num_new_tokens)
                if new_blocks is None:
                    preempted_req = self.running.pop()
                    self.kv_cache_manager.free(preempted_req)
                    preempted_req.status = RequestStatus.PREEMPTED
                    preempted_req.num_computed_tokens = 0
                    self.waiting.appendleft(preempted_req)
                    preempted_reqs.append(preempted_req)
                    if preempted_req == request:
                        can_schedule = False
                        break
                else:
                    can_schedule = True
                    break
            if not can_schedule:
                break
            scheduled.append((request.request_id, request.num_computed_tokens, num_new_tokens))
            request.num_computed_tokens += num_new_tokens
            token_budget -= num_new_tokens
            req_index += 1

        if not preempted_reqs:
            while self.waiting and token_budget > 0:
                if len(self.running) == self.max_num_running_reqs:
                    break
                request = self.waiting[0]
                num_new_tokens = min(request.num_tokens - request.num_computed_tokens, token_budget)
                new_blocks = self.kv_cache_manager.allocate_slots(request, num_new_tokens)
                if new_blocks is None:
                    break
                self.waiting.popleft()
                self.running.append(request)
                request.status = RequestStatus.RUNNING
                scheduled.append((request.request_id, request.num_computed_tokens, num_new_tokens))
                request.num_computed_tokens += num_new_tokens
                token_budget -= num_new_tokens
        return scheduled, [r.request_id for r in preempted_reqs]

    def update(self, sampled):
        finished = []
        for request in list(self.running):
            if request.request_id not in sampled:
                continue
            request.num_output_tokens += 1
            if request.num_output_tokens >= request.max_tokens:
                request.status = RequestStatus.FINISHED
                self.running.remove(request)
                self.kv_cache_manager.free(request)
                finished.append(request.request_id)
        return finished
