// First differing path between two parsed JSON values, or null when they are equal.
// Object key order is ignored; array order matters.
export function firstDiff(a, b, path = "$") {
  if (a === b) return null;
  const ta = kind(a);
  const tb = kind(b);
  if (ta !== tb) return { path, left: a, right: b };
  if (ta === "array") {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const d = firstDiff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (a.length !== b.length) return { path: `${path}.length`, left: a.length, right: b.length };
    return null;
  }
  if (ta === "object") {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      if (!(k in a)) return { path: `${path}.${k}`, left: "<absent>", right: b[k] };
      if (!(k in b)) return { path: `${path}.${k}`, left: a[k], right: "<absent>" };
      const d = firstDiff(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return { path, left: a, right: b };
}

function kind(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

export function short(v, max = 160) {
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);
  return s === undefined ? String(v) : s.length > max ? `${s.slice(0, max)}...` : s;
}
