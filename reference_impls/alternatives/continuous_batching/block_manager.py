"""vLLM v0's layout: a BlockSpaceManager owns the free list and the block tables, a SchedulingBudget counts
the step's tokens and seats, and the scheduler only asks them (can_allocate / allocate / free)."""

from collections import deque


class BlockSpaceManager:
    def __init__(self, num_blocks, block_size):
        self.block_size = block_size
        self.free = deque(range(num_blocks))
        self.tables = {}

    def missing(self, seq_id, num_tokens):
        have = len(self.tables.get(seq_id, ()))
        return max(0, (num_tokens + self.block_size - 1) // self.block_size - have)

    def can_allocate(self, seq_id, num_tokens):
        return self.missing(seq_id, num_tokens) <= len(self.free)

    def allocate(self, seq_id, num_tokens):
        table = self.tables.setdefault(seq_id, [])
        for _ in range(self.missing(seq_id, num_tokens)):
            table.append(self.free.popleft())

    def free_seq(self, seq_id):
        self.free.extend(self.tables.pop(seq_id, []))


class SchedulingBudget:
    def __init__(self, token_budget):
        self.tokens_left = token_budget

    def take(self, wanted):
        n = min(wanted, self.tokens_left)
        self.tokens_left -= n
        return n


class Sequence:
    def __init__(self, seq_id, prompt_len, max_tokens):
        self.seq_id, self.prompt_len, self.max_tokens = seq_id, prompt_len, max_tokens
        self.output_len = 0
        self.computed = 0

    def remaining(self):
        return self.prompt_len + self.output_len - self.computed


class Scheduler:
    def __init__(self, num_blocks, block_size, max_num_batched_tokens, max_num_seqs):
        self.block_manager = BlockSpaceManager(num_blocks, block_size)
        self.max_num_batched_tokens = max_num_batched_tokens
        self.max_num_seqs = max_num_seqs
        self.waiting = deque()
        self.running = []

    @property
    def block_tables(self):
        return self.block_manager.tables

    def num_free_blocks(self):
        return len(self.block_manager.free)

    def add_request(self, request_id, num_prompt_tokens, max_new_tokens):
        self.waiting.append(Sequence(request_id, num_prompt_tokens, max_new_tokens))

    def _preempt(self, seq):
        self.block_manager.free_seq(seq.seq_id)
        seq.computed = 0
        self.waiting.appendleft(seq)

    def _run(self, seq, n, scheduled):
        self.block_manager.allocate(seq.seq_id, seq.computed + n)
        scheduled.append((seq.seq_id, seq.computed, n))
        seq.computed += n

    def schedule(self):
        budget = SchedulingBudget(self.max_num_batched_tokens)
        scheduled, preempted = [], []
        queue = deque(self.running)  # oldest first
        kept = []
        while queue and budget.tokens_left:
            seq = queue.popleft()
            n = min(seq.remaining(), budget.tokens_left)
            while not self.block_manager.can_allocate(seq.seq_id, seq.computed + n):
                victim = queue.pop() if queue else seq  # the newest not yet scheduled, else this one
                self._preempt(victim)
                preempted.append(victim.seq_id)
                if victim is seq:
                    break
            if preempted and preempted[-1] == seq.seq_id:
                break
            budget.take(n)
            self._run(seq, n, scheduled)
            kept.append(seq)
        self.running = kept + list(queue)
        if not preempted:
            while self.waiting and budget.tokens_left and len(self.running) < self.max_num_seqs:
                seq = self.waiting[0]
                n = min(seq.remaining(), budget.tokens_left)
                if not self.block_manager.can_allocate(seq.seq_id, n):
                    break
                self.waiting.popleft()
                budget.take(n)
                self._run(seq, n, scheduled)
                self.running.append(seq)
        return scheduled, preempted

    def update(self, sampled):
        done = []
        for seq in self.running:
            if seq.seq_id in sampled:
                seq.output_len += 1
                if seq.output_len == seq.max_tokens:
                    done.append(seq)
        for seq in done:
            self.running.remove(seq)
            self.block_manager.free_seq(seq.seq_id)
        return [seq.seq_id for seq in done]
