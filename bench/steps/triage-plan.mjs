/** "Limit > Index Scan on tip_received_idx" style summary of an EXPLAIN plan. */
export function describePlan(node) {
  const parts = [];
  const walk = (n, depth) => {
    if (depth > 4) return;
    let s = n['Node Type'];
    if (n['Index Name']) s += ` ${n['Index Name']}`;
    else if (n['Relation Name']) s += ` ${n['Relation Name']}`;
    if (n['Actual Rows'] !== undefined && n['Node Type'] !== 'Limit') {
      s += ` (${n['Actual Rows']} rows${n['Rows Removed by Filter'] ? `, ${n['Rows Removed by Filter']} removed by filter` : ''})`;
    }
    parts.push(s);
    for (const c of n.Plans ?? [])
      if (c['Parent Relationship'] !== 'Inner' || c['Relation Name'] !== 'analyst')
        walk(c, depth + 1);
  };
  walk(node, 0);
  return parts.join(' > ');
}
