"""The built-in question kinds, one module each (see :mod:`execgym.tasks._kind`).

Each module holds its kind whole: the reference model, the selection from a traced call, the
wording in every prompt style that asks it, the shape of its answer, the scorer, and the one
:func:`~execgym.tasks.register_kind` call that makes it known. A new kind is one more module
(registered by importing it, or by a plugin's ``execgym.question_kinds`` entry point).
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
