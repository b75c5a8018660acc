// Full page loads asked for by the server (login ticket, logout, FranceConnect, the
// « service indisponible » page), without `eval`: the Content-Security-Policy forbids it.
//
// Renders a hidden, real HTML form. When the server sets a request with a new `nonce`, the form
// is filled and submitted natively, so the browser follows the backend route's redirect and no
// secret (the login ticket) ever appears in a URL. The last nonce submitted is remembered for the
// tab (sessionStorage, like Reflex's own state token): a page reload that re-hydrates the same
// state never submits the same request twice.
import { createElement, useEffect, useRef } from "react";

const SUBMITTED_KEY = "mespoints-page-load-nonce";

export function PageLoadBridge({ request }) {
  const form = useRef(null);
  const nonce = request?.nonce ?? "";
  useEffect(() => {
    if (!nonce || !form.current) {
      return;
    }
    if (window.sessionStorage.getItem(SUBMITTED_KEY) === nonce) {
      return;
    }
    window.sessionStorage.setItem(SUBMITTED_KEY, nonce);
    form.current.submit();
  }, [nonce]);
  const fields = Object.entries(request?.fields ?? {});
  return createElement(
    "form",
    {
      ref: form,
      method: request?.method === "get" ? "get" : "post",
      action: request?.action || undefined,
      hidden: true,
      "aria-hidden": "true",
    },
    fields.map(([name, value]) =>
      createElement("input", { key: name, type: "hidden", name, value: String(value) }),
    ),
  );
}
