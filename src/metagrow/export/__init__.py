"""Learned programs as code that runs without metagrow (``docs/export.md``).

``to_python`` writes one standalone Python module for a program, ``library_to_python``
one for a learned library, ``model_to_python`` one for a fitted model (numpy code);
``onnx_model`` and ``fitted_onnx_model`` build ONNX graphs of numeric programs and fitted
models (onnx is imported only when they are called).
"""

from metagrow.export._errors import ExportError
from metagrow.export._files import export_python, task_examples, write_export
from metagrow.export._model_python import model_to_python
from metagrow.export._onnx import MIN_OPSET, fitted_onnx_model, onnx_model
from metagrow.export._python import library_to_python, to_python, type_tree

__all__ = [
    "MIN_OPSET",
    "ExportError",
    "export_python",
    "fitted_onnx_model",
    "library_to_python",
    "model_to_python",
    "onnx_model",
    "task_examples",
    "to_python",
    "type_tree",
    "write_export",
]
