"""The scorer's model: which version ranks, training, rollback."""

from . import Blueprint, authorize, caller, graph, job_queue, model_store
from ..schemas import ActivateIn, ModelOut, ModelVersionOut, TrainArgs
from ..services.learning import LearningService

blp = Blueprint("model", __name__, url_prefix="/model", description="The learned supplier scorer")


def _service():
    return LearningService(graph(), model_store(), job_queue())


@blp.route("", methods=["GET"])
@blp.response(200, ModelOut)
def model():
    """The active model with its training data summary, features, scikit-learn version and metrics."""
    authorize(caller(), "see the model")
    return _service().model_info()


@blp.route("/train", methods=["POST"])
@blp.arguments(TrainArgs, location="query")
@blp.response(201, ModelVersionOut)
def train(args):
    """Train a new version from recorded outcomes (plus the bootstrap set); it is activated only if it beats
    the active version and the rule on held-out outcomes, or with force (admin)."""
    authorize(caller(), "manage the model")
    return _service().train(use_bootstrap=args["bootstrap"], force=args["force"]), 201


@blp.route("/rollback", methods=["POST"])
@blp.response(200, ModelOut)
def rollback():
    """Activate the version before the active one (admin)."""
    authorize(caller(), "manage the model")
    return _service().rollback()


@blp.route("/activate", methods=["POST"])
@blp.arguments(ActivateIn)
@blp.response(200, ModelOut)
def activate(data):
    """Activate a given version (admin)."""
    authorize(caller(), "manage the model")
    return _service().activate(data["version"])
