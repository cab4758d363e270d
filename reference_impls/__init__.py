"""Reference implementations (numpy/, later torch/) and the exercises that check learner code against them.

`exercise.py` is the spec an exercise follows; `exercises/` holds one module per exercise (found by
the registry in `exercises/__init__.py`); `wrong/<exercise id>/` holds known-wrong solutions.
See README.md.
"""
