"""The `matchmaker` command: local Neo4j, schema, demo data and imports."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .config import Neo4jSettings
from .db import Graph


def _graph() -> Graph:
    return Graph(Neo4jSettings.from_env())


class _Commands(click.Group):
    """Every command's domain error (Neo4j unreachable, bad input) ends as one line, never a traceback."""

    def invoke(self, ctx):
        from .errors import DomainError
        try:
            return super().invoke(ctx)
        except DomainError as err:
            _fail(err)


@click.group(cls=_Commands)
def main():
    """Supply-chain matchmaker: link Hanoi SMEs to large and FDI buyers."""


# -- local Neo4j ---------------------------------------------------------------------------------
@main.group()
def neo4j():
    """Run a local Neo4j Community server (fetched from Maven Central) for development and tests."""


def _local():
    from .localdb import server_from_env
    return server_from_env()


def _fail(err):
    """One line on stderr saying what went wrong and, when Neo4j cannot be reached, where it was looked for."""
    from .errors import DomainError, GraphUnavailable
    if isinstance(err, GraphUnavailable):
        err = (f"cannot reach Neo4j at {Neo4jSettings.from_env().uri}: start the local server "
               f"(`matchmaker neo4j start`, on MATCHMAKER_NEO4J_PORT) or point NEO4J_URI at yours")
    elif isinstance(err, DomainError):
        fields = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in err.fields.items())
        err = f"{err.message}" + (f" ({fields})" if fields else "")
    click.echo(f"error: {err}", err=True)
    sys.exit(1)


@neo4j.command("start")
@click.option("--wait", default=300.0, show_default=True, help="seconds to wait for Bolt")
def neo4j_start(wait):
    """Start the local server (reused when already running)."""
    from .localdb import LocalNeo4jError
    try:
        _local().start(wait=wait, echo=click.echo)
    except LocalNeo4jError as err:
        _fail(err)


@neo4j.command("stop")
def neo4j_stop():
    """Stop the local server cleanly."""
    _local().stop(echo=click.echo)


@neo4j.command("status")
def neo4j_status():
    """Show whether the local server runs and answers on Bolt."""
    status = _local().status()
    click.echo(json.dumps(status, indent=2))
    sys.exit(0 if status["bolt_ready"] else 3)


@neo4j.command("wipe")
@click.confirmation_option(prompt="Delete all data of the local server?")
def neo4j_wipe():
    """Delete the local server's data (stop it first)."""
    from .localdb import LocalNeo4jError
    try:
        _local().wipe()
    except LocalNeo4jError as err:
        _fail(err)


# -- schema --------------------------------------------------------------------------------------
@main.group()
def schema():
    """Graph constraints and indexes."""


@schema.command("apply")
def schema_apply():
    """Apply pending schema migrations (idempotent)."""
    from graph_schema import LATEST_VERSION, apply_migrations
    graph = _graph()
    applied = apply_migrations(graph.driver, graph.settings.database)
    click.echo(f"schema at version {LATEST_VERSION}" + (f" (applied {applied})" if applied else " (nothing to do)"))
    graph.close()


@schema.command("projection")
@click.option("--repair", is_flag=True, help="recompute every firm's projection from its links")
def schema_projection(repair):
    """Check that the search projection on each firm agrees with its links (and repair it)."""
    from .repositories.enterprises import EnterpriseRepository
    enterprises = EnterpriseRepository(_graph())
    if repair:
        enterprises.refresh_every_projection()
    stale = enterprises.stale_projection(limit=20)
    click.echo(json.dumps({"repaired": repair, "stale": len(stale), "examples": stale}))
    if stale:
        sys.exit(1)


@schema.command("status")
def schema_status():
    """Print the applied and expected schema versions."""
    from graph_schema import LATEST_VERSION, applied_version
    graph = _graph()
    click.echo(json.dumps({"applied": graph.read(applied_version), "expected": LATEST_VERSION}))
    graph.close()


# -- data ----------------------------------------------------------------------------------------
@main.command("seed")
@click.option("--enterprises", "n", default=None, type=int, help="number of enterprises (default: demo size)")
@click.option("--full", is_flag=True, help="Hanoi scale: 223,580 operating enterprises")
@click.option("--seed", default=7, show_default=True, help="random seed; the same seed gives the same data")
@click.option("--catalogues-only", is_flag=True,
              help="load or refresh the catalogues alone (names in both languages, effort figures); no firms")
def seed(n, full, seed, catalogues_only):
    """Generate and load the Hanoi demo data (idempotent)."""
    from tqdm import tqdm

    from seeds.generator import DEMO_ENTERPRISES, HANOI_OPERATING_ENTERPRISES, catalogue_rows, generate
    from seeds.load import load
    if catalogues_only:
        graph = _graph()
        click.echo(json.dumps(load(graph, catalogue_rows())))
        graph.close()
        return
    n = HANOI_OPERATING_ENTERPRISES if full else (n or DEMO_ENTERPRISES)
    click.echo(f"generating {n:,} enterprises (seed {seed}) ...")
    data = generate(n, seed)
    graph = _graph()
    bars = {}

    def progress(step, count):
        if step not in bars:
            total = {"enterprises": len(data.enterprises), "capabilities": len(data.enterprise_capabilities),
                     "certifications": len(data.certifications), "products": len(data.enterprise_products),
                     "requirements": len(data.buyer_requirements), "supply links": len(data.supply_links),
                     "search projection": len(data.enterprises),
                     "sourcing requests": len(data.sourcing_requests)}[step]
            bars[step] = tqdm(total=total, desc=step, unit="rows", file=sys.stderr)
        bars[step].update(count)
        if bars[step].n >= bars[step].total:
            bars[step].close()      # its rate is its own step's, not the whole seed's

    summary = load(graph, data, progress)
    for bar in bars.values():
        bar.close()
    click.echo(json.dumps(summary))
    graph.close()


@main.command("import")
@click.argument("kind", type=click.Choice(["enterprises", "capabilities", "certifications", "supply-links"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl"]), default=None)
@click.option("--mapping", default=None, help='JSON {"our_field": "your column"}')
@click.option("--source", default=None, help="where the data comes from (default: the file name)")
@click.option("--encoding", default="utf-8", show_default=True,
              type=click.Choice(["utf-8", "cp1258", "cp1252", "latin-1", "utf-16"]),
              help="the file's text encoding (cp1258: Windows Vietnamese)")
def import_file(kind, path, fmt, mapping, source, encoding):
    """Import a CSV, JSON or JSON Lines file; prints a report with every rejected row."""
    from tqdm import tqdm

    from .errors import InvalidInput
    from .services.imports import ImportService
    try:
        mapping = json.loads(mapping) if mapping else None
    except json.JSONDecodeError as err:
        _fail(f"--mapping is not valid JSON: {err}")
    graph = _graph()
    data = path.read_bytes()
    with tqdm(desc=f"importing {path.name}", unit="rows", file=sys.stderr) as bar:
        try:
            report = ImportService(graph).import_bytes(kind, data, filename=path.name, fmt=fmt, mapping=mapping,
                                                       source=source or path.name, progress=bar.update,
                                                       encoding=encoding)
        except InvalidInput as err:
            _fail(err.message)
    click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str))
    graph.close()
    sys.exit(0 if report.rejected == 0 else 2)


# -- the scorer ----------------------------------------------------------------------------------
@main.group()
def model():
    """The learned supplier scorer."""


def _learning():
    from scoring.model import ModelStore

    from .config import Settings
    from .services.learning import LearningService
    from .jobs import JobQueue
    settings = Settings()
    return LearningService(_graph(), ModelStore(settings.model_dir), JobQueue(settings.jobs))


@model.command("train")
@click.option("--bootstrap/--no-bootstrap", default=True, show_default=True,
              help="add the bootstrap set from seeds/ to the outcomes recorded in the graph")
@click.option("--force", is_flag=True, help="activate the new version even if it does not beat the active one")
def model_train(bootstrap, force):
    """Train a new model version; it is activated if it beats the active one and the rule on held-out outcomes."""
    from .errors import DomainError
    try:
        meta = _learning().train(use_bootstrap=bootstrap, force=force)
    except DomainError as err:
        _fail(err)
    click.echo(f"trained {meta['version']} on {meta['training']['rows']:,} rows "
               f"({', '.join(meta['training']['sources'])}); held out: {meta['training']['held_out']}")
    _print_metrics(meta["metrics"])
    click.echo(meta["decision"])


@model.command("evaluate")
@click.option("--version", default=None, help="model version (default: the active one)")
@click.option("--bootstrap/--no-bootstrap", default=True, show_default=True)
def model_evaluate(version, bootstrap):
    """NDCG@10, MAP and ROC AUC on held-out outcomes (latest 25% by time) against the baseline and random."""
    from .errors import DomainError
    try:
        result = _learning().evaluate(version, use_bootstrap=bootstrap)
    except DomainError as err:
        _fail(err)
    click.echo(f"model {result['version']}, held-out outcomes split by time:")
    _print_metrics(result)


def _print_metrics(metrics: dict) -> None:
    click.echo(f"{'ranker':<22}{'NDCG@10':>9}{'MAP':>9}{'ROC AUC':>9}{'groups':>8}{'pairs':>8}")
    for name in ("model", "rule_based_baseline", "random_order"):
        m = metrics[name]
        click.echo(f"{name:<22}{m['ndcg@10']:>9.4f}{m['map']:>9.4f}{m['roc_auc']:>9.4f}{m['groups']:>8}{m['pairs']:>8}")


@model.command("info")
def model_info():
    """The active version and all saved versions."""
    click.echo(json.dumps(_learning().model_info(), indent=2))


@model.command("rollback")
def model_rollback():
    """Activate the version before the active one."""
    from .errors import DomainError
    try:
        click.echo(f"active: {_learning().rollback()['active']}")
    except DomainError as err:
        _fail(err)


@main.group()
def requests():
    """Sourcing requests."""


@requests.command("rank")
@click.option("--background", is_flag=True,
              help="leave it to the job worker: rank the requests whose cutoff is stale, after this returns")
@click.option("--workers", default=max(2, os.cpu_count() or 1), show_default="the CPUs, at least 2",
              type=click.IntRange(1, 64),
              help="requests ranked at once: processes sharing every firm's offer, read once (for a few "
                   "requests, threads: the database works on one while Python scores another)")
def requests_rank(background, workers):
    """Store every open request's top-10 cutoff under the active model (used by readiness reports)."""
    from tqdm import tqdm

    from scoring.model import ModelStore

    from .config import Settings
    from .services.matching import MatchService
    settings = Settings()
    if background:
        from .jobs import JobQueue
        JobQueue(settings.jobs).refresh_cutoffs()
        click.echo("queued: the job worker ranks the open requests whose top-10 cutoff is stale")
        return
    service = MatchService(_graph(), ModelStore(settings.model_dir))
    with tqdm(desc="ranking open requests", unit="requests", file=sys.stderr) as bar:
        count = len(service.refresh_cutoffs(progress=bar.update, workers=workers))
    click.echo(f"ranked {count} open requests")


# -- API keys ------------------------------------------------------------------------------------
@main.group()
def keys():
    """API keys: roles admin, organiser, buyer, sme; only a hash of each key is stored."""


@keys.command("create")
@click.option("--role", required=True, type=click.Choice(["admin", "organiser", "buyer", "sme"]))
@click.option("--tenant", default=None, help="the buyer's or SME's enterprise id, or the organiser's id")
@click.option("--label", default=None, help="who holds it, for the list")
def keys_create(role, tenant, label):
    """Issue a key; it is printed this once and cannot be shown again."""
    from .errors import DomainError
    from .services.access import KeyService
    try:
        record, key = KeyService(_graph()).issue(role, tenant, label)
    except DomainError as err:
        _fail(err)
    click.echo(f"key {record['id']} ({role}{', ' + tenant if tenant else ''}); keep it safe, it is shown once:",
               err=True)
    click.echo(key)


@keys.command("examples")
def keys_examples():
    """A buyer and an SME of the graph to try keys with (the demo's, after `matchmaker seed`), and the
    commands that issue their keys."""
    from .repositories.keys import KeyRepository
    found = KeyRepository(_graph()).example_tenants()
    if found["buyer"] is None:
        _fail("no FDI buyer with open requests in this graph: load the demo with `matchmaker seed`")
    command = _command_here()
    click.echo(f"buyer: {found['buyer']['name']} ({found['buyer']['open']} open requests)")
    click.echo(f"  {command} keys create --role buyer --tenant {found['buyer']['id']}")
    if found["sme"]:
        click.echo(f"SME in its search results: {found['sme']['name']}")
        click.echo(f"  {command} keys create --role sme --tenant {found['sme']['id']}")
    click.echo("an organiser (any id of its own):")
    click.echo(f"  {command} keys create --role organiser --tenant hanoi-ipa")


def _command_here() -> str:
    """This command as a new shell would run it: its path, and the graph's settings when they are not the default."""
    import os
    import shlex
    import sys
    # the URI, when set, says where the graph is; else the local server's port, when not the default
    name = next((n for n in ("NEO4J_URI", "MATCHMAKER_NEO4J_PORT") if os.environ.get(n)), None)
    settings = [f"{name}={shlex.quote(os.environ[name])}"] if name else []
    here = os.path.join(os.path.dirname(sys.executable), "matchmaker")
    return " ".join([*settings, shlex.quote(os.path.relpath(here) if os.path.exists(here) else "matchmaker")])


@keys.command("list")
def keys_list():
    """Every key with its role, tenant, label and whether it is revoked (never the key itself)."""
    from .services.access import KeyService
    for key in KeyService(_graph()).list():
        state = f"revoked {key['revoked_at']}" if key.get("revoked_at") else "active"
        click.echo(f"{key['id']}  {key['role']:<9} {key.get('tenant') or '-':<20} {key.get('label') or '':<24} "
                   f"{key['created_at']}  {state}")


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id):
    """Revoke a key at once (it stays listed as revoked)."""
    from .errors import DomainError
    from .services.access import KeyService
    try:
        KeyService(_graph()).revoke(key_id)
    except DomainError as err:
        _fail(err)
    click.echo(f"revoked {key_id}")


if __name__ == "__main__":
    main()
