"""Natural loops of a control-flow graph, shared by loop_profile.py (x86)
and loop_count.py (x86 and aarch64), which build the graph from a
disassembly: succ[i] lists the instructions that can follow instruction i.

A back edge is a jump s -> h whose target h dominates s (every path from an
entry to s passes through h); the loop of header h is h and every
instruction that reaches one of its back edges without passing through h.
The entries are the instructions nothing jumps or falls into (the
function's first one; in a stripped library, the start of every function);
instruction 0 is always one."""


def natural_loops(succ):
    """{header: set of the loop's instructions} for every back edge's header."""
    n = len(succ)
    pred = [[] for _ in range(n)]
    for i, ss in enumerate(succ):
        for j in ss:
            pred[j].append(i)
    roots = [i for i in range(n) if not pred[i] or i == 0]
    reach, todo = set(roots), list(roots)
    while todo:
        for j in succ[todo.pop()]:
            if j not in reach:
                reach.add(j)
                todo.append(j)
    # dominators as bit sets, iterated to the fixed point
    full = (1 << n) - 1
    dom = [full] * n
    for r in roots:
        dom[r] = 1 << r
    rootset = set(roots)
    changed = True
    while changed:
        changed = False
        for i in range(n):
            if i in rootset or i not in reach:
                continue
            d = full
            for p in pred[i]:
                d &= dom[p]
            d |= 1 << i
            if d != dom[i]:
                dom[i] = d
                changed = True
    back = {}
    for s in sorted(reach):
        for h in succ[s]:
            if dom[s] >> h & 1:
                back.setdefault(h, []).append(s)
    found = {}
    for h, sources in back.items():
        body, todo = {h}, list(sources)
        while todo:
            i = todo.pop()
            if i not in body:
                body.add(i)
                todo += pred[i]
        found[h] = body
    return found


def shortest_trip(succ, h, body):
    """The instruction indices of the fewest-instruction path from header h
    back to h inside body, from the latch back to h; [] if there is none."""
    parent, frontier, last = {h: None}, [h], None
    while frontier and last is None:
        nxt = []
        for i in frontier:
            for j in succ[i]:
                if j == h and last is None:
                    last = i
                elif j in body and j not in parent:
                    parent[j] = i
                    nxt.append(j)
        frontier = nxt
    path = []
    while last is not None:
        path.append(last)
        last = parent[last]
    return path
