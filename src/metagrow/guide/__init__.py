"""The neural guide: a recognition model from a task to task-conditioned grammar weights."""
