"""Import speed at Hanoi scale: `matchmaker import enterprises FILE` against a plain UNWIND, in one run.

    export MATCHMAKER_NEO4J_HOME=$PWD/.local/bench_import/neo4j MATCHMAKER_NEO4J_PORT=7781
    .venv/bin/matchmaker neo4j start
    .venv/bin/python benchmarks/bench_import.py [--rows 223580] [--seed 7] [--via cli|service] [--profile FILE]

A CSV of ``--rows`` enterprise rows is written first (seeded): kind, sector, zone, commune, coordinates,
employees, founding year, revenue band, export share, association, home country, description and
enterprise code as ``seeds/generator.py`` draws them for the demo, with names and street addresses
drawn here, since the demo's 1,760 name patterns would give each name to ~130 firms at this size and a
business register allows one firm per name. Column names are the ones people write (``tax_code``,
``lat``, ``lng``, ``sector``, ``association``); sectors by id, English or Vietnamese name; a few rows
(``--bad-share``, default 0.1%) carry an error the import must reject. The generation runs in a child
process, so its memory is not the benchmark's.

Phases, each timed as rows of the file per second:
  1. first import into a graph with the schema and catalogues and no enterprise;
  2. re-import of the identical file (every row unchanged);
  3. re-import of the file with 10% of the rows changed (employees; a fifth of those also a new legal
     form in the name, a fifth a longer description).
The baseline, in the same run and on the same server, is a plain
``UNWIND $rows AS r MERGE (e:Enterprise {id: r.id}) SET e += r`` of the same rows (the CSV read with
``csv.DictReader``, numbers converted, id = code), in batches of the importer's size (2,000), through the
same three phases into a graph cleared of enterprises first; then the graph is cleared again for the
importer. ``--via cli`` (default) times the real command as users run it (a subprocess; its wall time,
start-up included, and its peak RSS); ``--via service`` calls ``ImportService.import_bytes`` in this
process and splits each phase's time: validation and records in Python, the ids-by-code read, the upsert,
the duplicate-candidate read, the verdicts in Python, the flag writes. ``--profile FILE`` (with
``--via service``) writes a cProfile of the three phases.

The run deletes every enterprise of the graph it is given (it refuses when that graph holds
enterprises this benchmark did not write, unless --clear-any), so point it at a server of its own:
NEO4J_URI, or MATCHMAKER_NEO4J_PORT for a local one.
"""
from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import publish  # noqa: E402

from matchmaker.config import Neo4jSettings  # noqa: E402
from matchmaker.db import Graph  # noqa: E402
from matchmaker.services.imports import BATCH_SIZE  # noqa: E402

SOURCE = "bench-import"            # the importer's rows carry source = this; the baseline's SOURCE-baseline
COLUMNS = ["tax_code", "name", "kind", "sector", "description", "address", "commune", "zone", "lat", "lng",
           "employees", "founded", "revenue_band", "export_share", "association", "home_country"]

# -- the file ------------------------------------------------------------------------------------
_SYLLABLES = """An Anh Bảo Bình Cát Châu Chiến Cường Dũng Duy Dương Đại Đạt Điền Định Đông Đức Gia Giang Hà Hải Hạnh
Hào Hiền Hiệp Hòa Hoàng Hồng Huy Hưng Hương Khang Khánh Khoa Kiên Kim Lâm Lan Lộc Long Lợi Mai Minh Mỹ Nam Nga
Nghĩa Ngọc Nguyên Nhân Nhật Phát Phong Phú Phúc Phương Quang Quân Quốc Sơn Tài Tâm Tân Thái Thắng Thành Thảo Thiện
Thịnh Thuận Tiến Toàn Trí Trung Trường Tuấn Tùng Uy Vạn Việt Vinh Vũ Xuân Yên""".split()
_TRADES = ["", "", "", "Thương mại", "Sản xuất và Thương mại", "Thương mại và Dịch vụ", "Đầu tư và Phát triển",
           "Kỹ thuật", "Xuất nhập khẩu", "Công nghiệp"]
_STREETS = ["Phố Duy Tân", "Đường Láng", "Phố Tôn Thất Tùng", "Đường Nguyễn Trãi", "Phố Huế", "Đường Giải Phóng",
            "Phố Kim Mã", "Đường Phạm Văn Đồng", "Đường Trường Chinh", "Phố Tây Sơn", "Đường Nguyễn Văn Cừ",
            "Đường Hoàng Quốc Việt", "Phố Xã Đàn", "Đường Lê Văn Lương", "Đường Quang Trung", "Đường Ngọc Hồi",
            "Đường Cầu Giấy", "Phố Trần Duy Hưng", "Đường Võ Chí Công", "Phố Nguyễn Chí Thanh", "Đường Minh Khai",
            "Đường Nguyễn Xiển", "Đường Lĩnh Nam", "Phố Thái Hà", "Đường Tố Hữu", "Đường Hồ Tùng Mậu", "Quốc lộ 5",
            "Quốc lộ 1A", "Quốc lộ 32", "Đường 70", "Đường Phúc Diễn", "Phố Vọng", "Phố Chùa Bộc", "Đường Bạch Mai",
            "Đường Ngô Gia Tự", "Đường Nguyễn Văn Linh", "Đường Tam Trinh", "Đường Kim Giang", "Đường Xuân Thủy",
            "Đường Lạc Long Quân"]
_SEPARATE_FORMS = {"Công ty TNHH": "Công ty Cổ phần", "Công ty Cổ phần": "Công ty TNHH",
                   "Công ty TNHH MTV": "Công ty TNHH", "Hợp tác xã": "Công ty TNHH",
                   "Doanh nghiệp tư nhân": "Công ty TNHH"}


def _unique_name(rng: random.Random, demo_name: str, kind: str, sector_word: str, used: set[str]) -> str:
    """A name of the demo's shape (legal form, trade, sector word, brand; FDI names as the demo draws them)
    with a brand of two or three syllables, unique in the file as a register would have it."""
    from seeds.generator import _LEGAL_FORMS
    for attempt in range(50):
        if kind == "fdi":
            name = demo_name if attempt == 0 else demo_name.replace(" Vietnam", f" {rng.choice(_SYLLABLES)} Vietnam", 1)
        else:
            forms = _LEGAL_FORMS[:2] if kind == "large" else _LEGAL_FORMS
            brand = " ".join(rng.sample(_SYLLABLES, 3 if rng.random() < 0.3 else 2))
            name = " ".join(p for p in (rng.choice(forms), rng.choice(_TRADES), sector_word, brand) if p)
            if rng.random() < 0.15:
                name = _no_accents(name)            # lists typed without Vietnamese accents
        if name not in used:
            used.add(name)
            return name
    name = f"{name} {len(used)}"
    used.add(name)
    return name


def _no_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def write_files(rows: int, seed: int, bad_share: float, folder: str) -> None:
    """Write enterprises.csv and enterprises-changed.csv (10% of the rows changed) into ``folder``."""
    from seeds.generator import _SECTOR_WORDS, generate
    from seeds.hanoi import ZONE_NAMES_VI, ZONES
    from seeds import catalogue as cat
    data = generate(rows, seed)
    enterprises = data.enterprises
    del data
    rng = random.Random(seed * 1_000_003 + 11)
    zone_names = {z[0]: ZONE_NAMES_VI.get(z[0]) or z[1] for z in ZONES}
    english = {i: n for i, n, _ in cat.SECTORS}
    used: set[str] = set()
    out, changed_rows = [], []
    for e in enterprises:
        p = e["props"]
        sector = e["sectors"][0]["id"]
        name = _unique_name(rng, p["name"], p["kind"], _SECTOR_WORDS[sector], used)
        if e["zone"]:
            address = f"Lô {rng.choice('ABCDEGHK')}{rng.randint(1, 60)}, {zone_names[e['zone']]}, {p['commune']}, Hà Nội"
        else:
            lane = f" ngõ {rng.randint(1, 300)}" if rng.random() < 0.4 else ""
            address = f"Số {rng.randint(1, 400)}{lane} {rng.choice(_STREETS)}, {p['commune']}, Hà Nội"
        roll = rng.random()
        sector_cell = sector if roll < 0.5 else cat.NAMES_VI[sector] if roll < 0.8 else english[sector]
        row = {"tax_code": p["code"], "name": name, "kind": p["kind"], "sector": sector_cell,
               "description": p["description"], "address": address, "commune": p["commune"],
               "zone": e["zone"] or "", "lat": e["latitude"], "lng": e["longitude"], "employees": p["employees"],
               "founded": p["founded"], "revenue_band": p["revenue_band"], "export_share": p["export_share"],
               "association": ";".join(e["associations"]), "home_country": p.get("home_country", "")}
        if rng.random() < bad_share:   # what real files hold now and then; rejected with its line each time
            column = rng.choice(["employees", "lat", "sector"])
            row[column] = {"employees": "khoảng 50", "lat": "", "sector": "thủy sản"}[column]
        out.append(row)
    for index in sorted(rng.sample(range(len(out)), len(out) // 10)):
        row = dict(out[index])
        if str(row["employees"]).isdigit():
            row["employees"] = int(row["employees"]) + rng.randint(1, 20)
        roll = rng.random()
        if roll < 0.2:
            for old, new in _SEPARATE_FORMS.items():
                if row["name"].startswith(old + " "):
                    row["name"] = new + row["name"][len(old):]
                    break
        elif roll < 0.4:
            row["description"] = row["description"] + " Nhận gia công theo đơn hàng."
        changed_rows.append((index, row))
    for name, rows_out in (("enterprises.csv", out),
                           ("enterprises-changed.csv", _replace(out, changed_rows))):
        with open(os.path.join(folder, name), "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, COLUMNS)
            writer.writeheader()
            writer.writerows(rows_out)


def _replace(rows: list[dict], changes: list[tuple[int, dict]]) -> list[dict]:
    replaced = list(rows)
    for index, row in changes:
        replaced[index] = row
    return replaced


# -- the graph -----------------------------------------------------------------------------------
def prepare(graph: Graph, clear_any: bool) -> None:
    """Schema and catalogues in place, no enterprise (refusing to delete enterprises not of this benchmark)."""
    from graph_schema import apply_migrations
    from seeds.generator import catalogue_rows
    from seeds.load import load
    apply_migrations(graph.driver, graph.settings.database)
    foreign = graph.read(lambda tx: tx.run(
        "MATCH (e:Enterprise) WHERE NOT coalesce(e.source, '') STARTS WITH $source RETURN count(e) AS n",
        source=SOURCE).single()["n"])
    if foreign and not clear_any:
        sys.exit(f"{graph.settings.uri} holds {foreign:,} enterprises this benchmark did not write; it deletes "
                 f"every enterprise, so give it a server of its own (MATCHMAKER_NEO4J_PORT) or pass --clear-any")
    load(graph, catalogue_rows())
    clear(graph)


def clear(graph: Graph) -> float:
    started = time.perf_counter()
    with graph.session() as session:
        session.run("MATCH (e:Enterprise) CALL (e) { DETACH DELETE e } IN TRANSACTIONS OF 5000 ROWS").consume()
    return time.perf_counter() - started


def count(graph: Graph) -> int:
    return graph.read(lambda tx: tx.run("MATCH (e:Enterprise) RETURN count(e) AS n").single()["n"])


# -- the baseline --------------------------------------------------------------------------------
def _number(value: str, kind):
    try:
        return kind(value) if value != "" else None
    except ValueError:
        return value


def baseline_rows(path: Path) -> list[dict]:
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            row = {k: v for k, v in r.items() if v != ""}
            for k, kind in (("lat", float), ("lng", float), ("export_share", float), ("employees", int),
                            ("founded", int)):
                if k in row:
                    row[k] = _number(row[k], kind)
            row["id"] = row["code"] = row.pop("tax_code")
            row["source"] = SOURCE + "-baseline"
            rows.append(row)
    return rows


def baseline(graph: Graph, path: Path) -> float:
    """The plain UNWIND of the file's rows, read from the CSV, in batches of the importer's size."""
    def write(tx, batch):
        tx.run("UNWIND $rows AS r MERGE (e:Enterprise {id: r.id}) SET e += r", rows=batch).consume()
    started = time.perf_counter()
    rows = baseline_rows(path)
    for start in range(0, len(rows), BATCH_SIZE):
        graph.write(write, rows[start:start + BATCH_SIZE])
    return time.perf_counter() - started


# -- the importer --------------------------------------------------------------------------------
def import_cli(path: Path) -> tuple[float, dict, int]:
    """The command as users run it: (wall seconds, its report, its peak RSS in KB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "matchmaker"), "import", "enterprises", str(path),
                                 "--source", SOURCE], stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode not in (0, 2):      # 2: some rows rejected, as the file means them to be
            sys.exit(f"matchmaker import failed ({proc.returncode}):\n{err.read().decode()[-3000:]}")
        return seconds, json.loads(out.read()), usage.ru_maxrss


class _Split:
    """Seconds spent in the repository calls of an import, by step (the rest is Python)."""

    STEPS = ("ids_by_code", "catalogues", "upsert", "duplicate_candidates", "flag_writes")

    def __init__(self):
        self.seconds = dict.fromkeys(self.STEPS, 0.0)
        self.seconds["verdicts"] = 0.0

    def wrap(self, obj, method: str, step: str):
        inner = getattr(obj, method)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[step] += time.perf_counter() - started
        setattr(obj, method, timed)

    def attach(self, service) -> None:
        self.wrap(service.enterprises, "ids_by_code", "ids_by_code")
        for method in ("zone_ids", "list_sectors", "list_communes", "existing"):
            self.wrap(service.catalogues, method, "catalogues")
        self.wrap(service.enterprises, "upsert_many", "upsert")
        self.wrap(service.enterprises, "duplicate_candidates", "duplicate_candidates")
        self.wrap(service.enterprises, "flag_duplicates", "flag_writes")
        self.wrap(service, "flag_duplicates", "verdicts")   # less the two above, afterwards

    def finish(self, total: float) -> dict:
        s = dict(self.seconds)
        s["verdicts"] -= s["duplicate_candidates"] + s["flag_writes"]
        s["python_read_validate_records"] = total - sum(s.values())
        return {k: round(v, 2) for k, v in s.items()}


def import_service(graph: Graph, path: Path, profiler=None) -> tuple[float, dict, dict]:
    """ImportService.import_bytes in this process, as the CLI calls it: (seconds, report, split)."""
    from matchmaker.services.imports import ImportService
    service = ImportService(graph)
    split = _Split()
    split.attach(service)
    if profiler:
        profiler.enable()
    started = time.perf_counter()
    report = service.import_bytes("enterprises", path.read_bytes(), filename=path.name, source=SOURCE)
    seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
    return seconds, report.as_dict(), split.finish(seconds)


# -- the run -------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=223_580)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bad-share", type=float, default=0.001, help="share of rows with an error")
    parser.add_argument("--via", choices=("cli", "service"), default="cli")
    parser.add_argument("--profile", default=None, help="cProfile output file (with --via service)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--clear-any", action="store_true", help="delete enterprises this benchmark did not write")
    parser.add_argument("--keep", default=None, help="a folder to keep the CSV files in")
    parser.add_argument("--name", default="import", help="results/NAME.json")
    args = parser.parse_args()

    graph = Graph(Neo4jSettings.from_env())
    folder = args.keep or tempfile.mkdtemp(prefix="bench-import-")
    os.makedirs(folder, exist_ok=True)
    started = time.perf_counter()
    child = multiprocessing.get_context("fork").Process(
        target=write_files, args=(args.rows, args.seed, args.bad_share, folder))
    child.start()
    child.join()
    if child.exitcode:
        sys.exit("writing the CSV failed")
    files = {"first import": Path(folder) / "enterprises.csv", "re-import, unchanged": Path(folder) / "enterprises.csv",
             "re-import, 10% changed": Path(folder) / "enterprises-changed.csv"}
    size_mb = files["first import"].stat().st_size / 1e6
    print(f"{args.rows:,} rows written in {time.perf_counter() - started:.1f} s ({size_mb:.1f} MB) to {folder}; "
          f"graph {graph.settings.uri}", flush=True)

    prepare(graph, args.clear_any)
    base = {}
    if not args.no_baseline:
        for phase, path in files.items():
            base[phase] = baseline(graph, path)
            print(f"baseline   {phase:24} {base[phase]:8.1f} s  {args.rows / base[phase]:9,.0f} rows/s", flush=True)
        print(f"graph cleared in {clear(graph):.1f} s (baseline: {args.rows:,} rows)", flush=True)

    profiler = None
    if args.profile:
        import cProfile
        profiler = cProfile.Profile()
    results = []
    for phase, path in files.items():
        if args.via == "cli":
            seconds, report, rss = import_cli(path)
            split = None
        else:
            seconds, report, split = import_service(graph, path, profiler)
            rss = None
        result = {"phase": phase, "seconds": round(seconds, 2), "rows_per_s": round(args.rows / seconds),
                  **{k: report[k] for k in ("rows", "created", "updated", "unchanged", "rejected", "repeated",
                                            "probable_duplicates")}}
        if phase in base:
            result["baseline_seconds"] = round(base[phase], 2)
            result["baseline_rows_per_s"] = round(args.rows / base[phase])
            result["time_over_baseline"] = round(seconds / base[phase], 2)
        if rss:
            result["cli_peak_rss_mb"] = round(rss / 1024)
        if split:
            result["split_seconds"] = split
        results.append(result)
        print(f"{args.via:10} {phase:24} {seconds:8.1f} s  {args.rows / seconds:9,.0f} rows/s  "
              + json.dumps({k: v for k, v in result.items() if k not in ("phase", "seconds", "rows_per_s")}),
              flush=True)
    if profiler:
        profiler.dump_stats(args.profile)

    print(f"\n{'phase':24} {'seconds':>9} {'rows/s':>9} {'baseline s':>11} {'baseline rows/s':>16} {'time / baseline':>16}")
    for r in results:
        print(f"{r['phase']:24} {r['seconds']:9.1f} {r['rows_per_s']:9,} "
              f"{r.get('baseline_seconds', float('nan')):11.1f} {r.get('baseline_rows_per_s', 0):16,} "
              f"{r.get('time_over_baseline', float('nan')):16.2f}")
    figures = {
        "date": date.today().isoformat(), "rows": args.rows, "seed": args.seed, "bad_share": args.bad_share,
        "via": args.via, "batch_size": BATCH_SIZE, "cores": os.cpu_count(), "csv_mb": round(size_mb, 1),
        "enterprises_in_graph": count(graph), "target_rows_per_s": 20_000,
        "target_met_first_import": results[0]["rows_per_s"] >= 20_000,
        "bench_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "phases": results,
    }
    publish(args.name, figures)
    graph.close()


if __name__ == "__main__":
    main()
