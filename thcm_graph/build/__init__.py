"""The build: parse → entail → validate → publish (DESIGN.md §3)."""

from .pipeline import BuildResult, CheckResult, Conflict, FigureReading, build, check
from .republish import Step, republish
from .validate import Problem, ValidationReport

__all__ = ["BuildResult", "CheckResult", "Conflict", "FigureReading", "Problem", "Step", "ValidationReport", "build", "check", "republish"]
