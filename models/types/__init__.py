"""Type prediction: static evidence, runtime traces and a learned model, combined into hints.

Pipeline for one document (analysis.py): slots.py finds the unannotated slots
with exact LSP positions; static.py gives each a candidate type and the rule
that found it (built on infer.py, expression inference, and context.py, what a
file defines and imports); features.py describes the slot; model.py (scikit-learn,
calibrated on held-out packages, persisted with skops) turns features and the
static candidate into a type and a probability; traces.py adds what the tests
observed; combine.py picks one type, one confidence and the evidence in words;
render.py writes it as an inlay hint / code action with the import it needs.
incremental.py carries work from one version of a document to the next
(reparse.py: only changed statements are parsed; units.py: what each unit
binds and names, for its memo key).
engine.py is the service the server holds (`ls.services["types"]`): background
indexing (index.py) and training (train.py in a low-priority child process
over corpus.py; the model's file and saved feedback: modelfile.py), and a
cached fast path (dochints.py; prefetch.py analyses ahead; hintfilter.py applies
options).  evaluation.py strips an annotated package (strip.py) and scores the
hints the real server gives (scoring.py).

Beyond PROTOCOL.md: `pulsedev/typesStatus` (request, no params) returns
`{"ready", "indexed", "model", "training", "tracedFunctions"}`, and the command
`pulsedev.typeHintFeedback` takes `[{"label": ": T", "accepted": bool}]`.
Environment: `PULSEDEV_TYPES_TRAIN_DELAY` (seconds before a missing model is
trained, default 20, so short-lived servers never train) and
`PULSEDEV_TYPES_EXCLUDE` (packages held out of training, for evaluation).
"""
