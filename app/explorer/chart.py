"""The styrkedja as a Graphviz DOT drawing (pure): law/Agenda 2030 at the top, then goals, strategies,
activities, owners, deadlines and forums, each node with its page.

The drawing is text for ``st.graphviz_chart`` (Streamlit renders it in the browser, offline). Labels are
escaped for DOT; document text never becomes markup.
"""

from __future__ import annotations

from app.explorer.text import dot_string, wrap

# Fill colours by node type (a calm palette that prints well).
COLOURS = {
    "Provision": "#f3e5f5",
    "Reference": "#f3e5f5",
    "SdgGoal": "#e0f2f1",
    "SdgTarget": "#e0f2f1",
    "Agenda2030": "#e0f2f1",
    "Vision": "#e3f2fd",
    "PriorityArea": "#e3f2fd",
    "Goal": "#e3f2fd",
    "Strategy": "#e8f5e9",
    "Activity": "#fff8e1",
    "Challenge": "#ffebee",
    "Forum": "#ede7f6",
    "Role": "#eceff1",
    "Person": "#eceff1",
    "Organization": "#eceff1",
    "OrganizationalUnit": "#eceff1",
    "Deadline": "#fffde7",
    "Document": "#fafafa",
    "Passage": "#fafafa",
}
# Relations drawn from the higher level down (parent -> child) when reached going up the chain.
UPWARD = {"contributesTo", "references", "alignment", "broader", "addresses"}
MAX_NODES = 80


def _node_label(step: dict, type_names: dict[str, str]) -> str:
    kind = type_names.get(step["type"], step["type"])
    lines = [kind, wrap(step.get("label") or "", 30, 4)]
    if step.get("page") is not None:
        lines.append(f"s. {step['page']}")
    return "\n".join(lines)


def trace_dot(data: dict, type_names: dict[str, str], relation_names: dict[str, str],
              max_nodes: int = MAX_NODES) -> tuple[str, int]:
    """DOT text of a trace (graph.chain.trace_json's shape) and how many steps were left out."""
    root = data["node"]
    steps = [("up", s) for s in data["up"]] + [("down", s) for s in data["down"]]
    kept = steps[: max(0, max_nodes - 1)]
    left_out = len(steps) - len(kept)
    ids: dict[str, str] = {root["iri"]: "n0"}
    lines = [
        "digraph styrkedja {",
        '  graph [rankdir=TB, nodesep=0.25, ranksep=0.45, bgcolor="transparent", fontname="Helvetica"];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, color="#90a4ae", '
        "margin=\"0.12,0.06\"];",
        '  edge [fontname="Helvetica", fontsize=9, color="#78909c", fontcolor="#546e7a"];',
    ]

    def add_node(step: dict, bold: bool = False) -> str:
        if step["iri"] in ids and not bold:
            return ids[step["iri"]]
        node_id = ids.setdefault(step["iri"], f"n{len(ids)}")
        colour = COLOURS.get(step["type"], "#ffffff")
        width = ', penwidth=2.2, color="#1f5f8b"' if bold else ""
        lines.append(f"  {node_id} [label={dot_string(_node_label(step, type_names))}, "
                     f'fillcolor="{colour}"{width}];')
        if step["type"] == "Activity" and (step.get("deadline") or step.get("due_date")):
            deadline = step.get("deadline") or ""
            if step.get("due_date"):
                deadline = f"{deadline} ({step['due_date']})".strip()
            lines.append(f"  {node_id}_d [label={dot_string('Klart: ' + deadline)}, "
                         f'fillcolor="{COLOURS["Deadline"]}", shape=note];')
            lines.append(f'  {node_id} -> {node_id}_d [label="{relation_names.get("deadline", "klart")}", '
                         "style=dashed];")
        return node_id

    add_node(root, bold=True)
    for direction, step in kept:
        node_id = add_node(step)
        via = ids.get(step.get("via") or "")
        if via is None:
            continue
        relation = step["relation"]
        label = dot_string(relation_names.get(relation, relation))
        if direction == "up" and relation in UPWARD:
            lines.append(f"  {node_id} -> {via} [label={label}, dir=back];")
        else:
            lines.append(f"  {via} -> {node_id} [label={label}];")
    lines.append("}")
    return "\n".join(lines), left_out
