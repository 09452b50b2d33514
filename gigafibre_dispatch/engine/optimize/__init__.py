"""Auto-distribute: place what is free, never touch what is pinned or started, and propose (never apply)."""

from .model import Kpis, Move, OptimizeRequest, OptimizeWeights, Proposal, Unplaced
from .plan import DEFAULT_SOLVER, greedy, optimize
from .solvers import SOLVERS, OrToolsSolver, RoutingProblem, Solver, VroomSolver

__all__ = [
	"DEFAULT_SOLVER",
	"SOLVERS",
	"Kpis",
	"Move",
	"OptimizeRequest",
	"OptimizeWeights",
	"OrToolsSolver",
	"Proposal",
	"RoutingProblem",
	"Solver",
	"Unplaced",
	"VroomSolver",
	"greedy",
	"optimize",
]
