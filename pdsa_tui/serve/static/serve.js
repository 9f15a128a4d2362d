// pdsa serve: the page's own script, loaded before textual.js (no inline scripts: the
// Content-Security-Policy forbids them).
"use strict";
(function () {
  // The token is in an HttpOnly cookie now: take it out of the address bar and history.
  if (new URLSearchParams(window.location.search).has("token")) {
    window.history.replaceState(null, "", "/");
  }

  function banner(text) {
    const el = document.getElementById("idle-banner");
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
  }

  // textual.js opens its own websocket; this wrapper only listens to it: the server's
  // idle warning, and why the session ended (shown in the "ended" dialog).
  const NativeWebSocket = window.WebSocket;
  function PdsaWebSocket(url, protocols) {
    const socket = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
    socket.addEventListener("message", function (event) {
      if (typeof event.data !== "string") return;
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (Array.isArray(message) && message[0] === "pdsa_idle") {
        const minutes = Math.round(message[1] / 60);
        const when = minutes < 1 ? "in less than a minute" :
          "in about " + minutes + " minute" + (minutes === 1 ? "" : "s");
        banner("This session closes " + when + " unless you use it. Press a key to keep it open.");
      }
    });
    socket.addEventListener("close", function (event) {
      banner("");
      const reason = document.getElementById("closed-reason");
      if (!reason) return;
      if (event.reason) {
        reason.textContent = event.reason;
      } else if (event.code === 1006) {
        reason.textContent = "Could not reach pdsa: the server may have stopped, or this " +
          "address is out of date. Ask for the address again if reopening does not work.";
      }
    });
    return socket;
  }
  PdsaWebSocket.prototype = NativeWebSocket.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) {
    PdsaWebSocket[name] = NativeWebSocket[name];
  });
  window.WebSocket = PdsaWebSocket;

  // Exports: textual.js opens /download/KEY in a new window, which popup blockers may
  // stop; a link with "download" saves the file without one.
  const nativeOpen = window.open;
  window.open = function (url, target, features) {
    try {
      const target_url = new URL(url, window.location.href);
      if (target_url.origin === window.location.origin && target_url.pathname.startsWith("/download/")) {
        const link = document.createElement("a");
        link.href = target_url.href;
        link.download = "";
        document.body.appendChild(link);
        link.click();
        link.remove();
        return null;
      }
    } catch (e) { /* not a URL we know: let the browser open it */ }
    return nativeOpen.call(window, url, target, features);
  };

  document.addEventListener("DOMContentLoaded", function () {
    const terminal = document.getElementById("terminal");
    if (terminal) {
      // Relative to this page, so it also works behind an HTTPS proxy (wss://).
      const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      terminal.dataset.sessionWebsocketUrl = scheme + window.location.host + "/ws";
    }
    const restart = document.getElementById("restart");
    if (restart) restart.addEventListener("click", function () { window.location.replace("/"); });
    document.addEventListener("keydown", function () { banner(""); }, true);
  });
})();
