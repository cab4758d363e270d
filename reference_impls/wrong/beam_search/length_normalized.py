"""Wrong: the scores divided by the sequence length (Hugging Face's length_penalty = 1 on finished hypotheses)."""

from reference_impls.torch.beam_search import beam_search as _reference

EXPECTED_HINT = "divided by the length"
ALSO_APPLIES = ("part of the output is right",)


def beam_search(start_log_probs, log_probs, beam_size, eos=None):
    seqs, scores = _reference(start_log_probs, log_probs, beam_size, eos)
    return seqs, scores / seqs.shape[1]  # the mistake: a length penalty the task does not apply
