"""Meeting scheduling for matchmaking events: value types, the CP-SAT solver, one validator.

Plain Python and OR-Tools; free of Flask and the driver, so it is tested and benchmarked alone.
"""
from .model import Event, Meeting, Participant, Schedule
from .solver import SolveResult, solve
from .validator import validate

__all__ = ["Event", "Meeting", "Participant", "Schedule", "SolveResult", "solve", "validate"]
