// React Router's <Scripts>, with its module preloads fetched at low priority (fetchpriority="low").
//
// The pre-rendered page paints without JavaScript: the scripts only hydrate it. Preloaded at
// React Router's default (high) priority, they compete with the page's stylesheet for a slow
// phone's bandwidth, and the browser (like Lighthouse's simulation of it) counts them before the
// first paint. At low priority they are still fetched at once, in parallel, but after what the
// first paint needs. The inline module script that starts the app is left as it is (no inline
// code changes: the Content-Security-Policy hashes stay valid).
import { Children, cloneElement, isValidElement } from "react";
import { Scripts } from "react-router";

function lowered(node) {
  if (Array.isArray(node)) {
    return node.map(lowered);
  }
  if (!isValidElement(node)) {
    return node;
  }
  if (node.type === "link" && node.props.rel === "modulepreload") {
    return cloneElement(node, { fetchPriority: "low" });
  }
  if (node.props.children === undefined) {
    return node;
  }
  return cloneElement(node, {}, ...Children.toArray(node.props.children).map(lowered));
}

export function LowPriorityScripts(props) {
  // Called as a function: its hooks are this component's, and its output can be rewritten.
  return lowered(Scripts(props));
}
