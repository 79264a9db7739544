"""Learned programs as code that runs without metagrow (``docs/export.md``).

``to_python`` writes one standalone Python module for a program, ``library_to_python``
one for a learned library, ``model_to_python`` one for a fitted model (numpy code);
``onnx_model`` and ``fitted_onnx_model`` build ONNX graphs of numeric programs and fitted
models, ``module_onnx_model`` of programs with trained modules over tensors and images
(onnx is imported only when they are called). A program's trained modules become numpy
functions of the Python module, their weights inline or in an ``.npz`` file beside it
(:func:`python_export`).
"""

from metagrow.export._errors import ExportError
from metagrow.export._files import (
    export_program,
    export_python,
    task_examples,
    weights_path,
    write_export,
)
from metagrow.export._model_python import model_to_python
from metagrow.export._modules import INLINE_FLOATS
from metagrow.export._onnx import MIN_OPSET, fitted_onnx_model, onnx_model
from metagrow.export._onnx_modules import module_onnx_model, uses_modules
from metagrow.export._python import (
    PythonExport,
    library_to_python,
    python_export,
    to_python,
    type_tree,
)

__all__ = [
    "INLINE_FLOATS",
    "MIN_OPSET",
    "ExportError",
    "PythonExport",
    "export_program",
    "export_python",
    "fitted_onnx_model",
    "library_to_python",
    "model_to_python",
    "module_onnx_model",
    "onnx_model",
    "python_export",
    "task_examples",
    "to_python",
    "type_tree",
    "uses_modules",
    "weights_path",
    "write_export",
]
