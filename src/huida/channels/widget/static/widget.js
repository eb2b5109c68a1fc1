/* Huida chat widget: one tag, no dependencies, no third-party request.
 *   <script src="https://HUIDA/widget.js" data-robot="ROBOT_ID" data-key="WIDGET_KEY" defer></script>
 * Options (data-* on the tag, or window.HuidaWidget = {...} before it): position (right|left), color, title,
 * lang (zh|en, default: <html lang>), offset ("24px" or "24px 80px": side, bottom). CSS custom properties on
 * the page (--huida-primary, --huida-radius, --huida-font, --huida-width, --huida-height, --huida-z) do the rest.
 * The panel lives in a Shadow DOM, so the page's CSS cannot break it and it cannot break the page. */
(function () {
  "use strict";
  if (window.__huidaWidget) return;
  var tag = document.currentScript || document.querySelector("script[src*='widget.js'][data-key]");
  if (!tag) return;
  var data = tag.dataset || {};
  var given = window.HuidaWidget || {};
  function opt(name) { return given[name] != null ? String(given[name]) : data[name]; }
  var cfg = {
    robot: opt("robot") || "", key: opt("key") || "", position: opt("position") === "left" ? "left" : "right",
    color: opt("color") || "", title: opt("title") || "", offset: opt("offset") || "", lang: opt("lang") || ""
  };
  // The API is where this script came from (the tag's src), whatever page embeds it.
  var base = new URL(tag.src, location.href);
  base = base.origin + base.pathname.replace(/\/widget\.js$/, "");
  var lang = /^(zh|en)/.test(cfg.lang) ? cfg.lang.slice(0, 2) :
    ((document.documentElement.lang || navigator.language || "zh").toLowerCase().indexOf("zh") === 0 ? "zh" : "en");

  var TEXTS = {
    zh: {
      title: "在线客服", open: "打开在线客服", close: "关闭对话", input: "请输入您的问题", send: "发送",
      typing: "小答正在输入", up: "有帮助", down: "没帮助", reasonAsk: "哪里不满意？请告诉我们原因",
      reason: "原因", submit: "提交", cancel: "取消", thanks: "感谢您的反馈！", solvedAsk: "这个回答解决您的问题了吗？",
      solved: "已解决", unsolved: "未解决", rated: "感谢您的评价！", human: "正在为您转接人工客服，请稍候。",
      failed: "网络异常，消息没有发出，请稍后重试。", limited: "发送太频繁了，请 {s} 秒后再试。",
      off: "客服暂时不可用。", more: "查看详情", noImage: "[图片暂不可用]", log: "对话记录", sources: "来源"
    },
    en: {
      title: "Chat with us", open: "Open the chat", close: "Close the chat", input: "Type your question", send: "Send",
      typing: "The assistant is typing", up: "Helpful", down: "Not helpful", reasonAsk: "What was wrong? Tell us why",
      reason: "Reason", submit: "Submit", cancel: "Cancel", thanks: "Thanks for your feedback!",
      solvedAsk: "Did this answer solve your problem?", solved: "Solved", unsolved: "Not solved",
      rated: "Thanks for rating!", human: "Connecting you to a person, please wait.",
      failed: "Network error: the message was not sent. Please try again.", limited: "Too fast: retry in {s} s.",
      off: "The chat is not available right now.", more: "Read more", noImage: "[image unavailable]",
      log: "Conversation", sources: "Sources"
    }
  }[lang];

  var CSS = [
    ":host{all:initial!important;display:block!important;position:static!important}",
    ".w{--p:var(--huida-primary,#1f6feb);--r:var(--huida-radius,14px);font:14px/1.5 var(--huida-font,system-ui,",
    "-apple-system,'PingFang SC','Microsoft YaHei',sans-serif);color:#1f2328;-webkit-font-smoothing:antialiased}",
    ".w *{box-sizing:border-box;margin:0;padding:0;font:inherit;color:inherit}",
    "button{cursor:pointer;border:0;background:none}",
    "button:focus-visible,textarea:focus-visible,a:focus-visible{outline:2px solid var(--p);outline-offset:2px}",
    ".l{position:fixed;bottom:var(--oy,24px);width:56px;height:56px;border-radius:50%;background:var(--p);",
    "color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.22);display:flex;align-items:center;justify-content:center;",
    "z-index:var(--huida-z,2147483000);transition:transform .15s}.l:hover{transform:scale(1.06)}",
    ".l svg,.x svg{width:26px;height:26px;fill:currentColor}",
    ".R .l,.R .p{right:var(--ox,24px)}.L .l,.L .p{left:var(--ox,24px)}",
    ".p{position:fixed;bottom:calc(var(--oy,24px) + 68px);width:var(--huida-width,370px);",
    "height:min(var(--huida-height,600px),calc(100vh - var(--oy,24px) - 92px));background:#fff;",
    "border-radius:var(--r);box-shadow:0 12px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;",
    "overflow:hidden;z-index:var(--huida-z,2147483000)}.p[hidden]{display:none}",
    ".h{background:var(--p);color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}",
    ".h h2{flex:1;font-size:16px;font-weight:600}.x{color:#fff;width:32px;height:32px;border-radius:8px;",
    "display:flex;align-items:center;justify-content:center}.x svg{width:20px;height:20px}",
    ".g{flex:1;overflow-y:auto;padding:14px 12px;background:#f6f8fa;display:flex;flex-direction:column;gap:10px}",
    ".m{max-width:86%;padding:9px 12px;border-radius:var(--r);white-space:pre-wrap;word-wrap:break-word;",
    "overflow-wrap:anywhere}.m[data-from=robot]{align-self:flex-start;background:#fff;",
    "border:1px solid #e3e6ea;border-top-left-radius:4px}",
    ".m[data-from=visitor]{align-self:flex-end;background:var(--p);color:#fff;border-top-right-radius:4px}",
    ".n{align-self:center;font-size:12px;color:#57606a;text-align:center;padding:0 8px}",
    ".m img{display:block;max-width:100%;height:auto;border-radius:8px;margin-top:2px}",
    ".o{display:flex;flex-direction:column;gap:6px;margin-top:8px}.t+.o{margin-top:8px}",
    ".b{display:block;width:100%;text-align:left;padding:7px 10px;border:1px solid var(--p);color:var(--p);",
    "border-radius:10px;background:#fff;white-space:normal}.b:hover{background:#f0f6ff}",
    ".b.tr{border-style:dashed}.c{display:block;text-decoration:none;border:1px solid #e3e6ea;border-radius:10px;",
    "overflow:hidden;margin-top:6px;background:#fff}.c img{margin:0;border-radius:0;width:100%}",
    ".c b{display:block;font-weight:600;padding:8px 10px 2px}.c span{display:block;font-size:13px;",
    "color:#57606a;padding:0 10px 8px}.c i{display:block;font-style:normal;font-size:12px;color:var(--p);",
    "padding:0 10px 8px}.f{display:flex;gap:4px;margin-top:6px;align-items:center}",
    ".f button{line-height:0;padding:5px;border-radius:8px;color:#8c959f}.f button:hover{color:#57606a}",
    ".f svg{width:16px;height:16px;fill:currentColor}.f button+button svg{transform:rotate(180deg)}",
    ".f button[aria-pressed=true]{color:var(--p);background:#eef4ff}",
    ".k{margin-top:8px;display:flex;flex-direction:column;gap:6px}.k textarea{border:1px solid #d0d7de;",
    "border-radius:8px;padding:6px 8px;min-height:56px;resize:vertical;background:#fff}",
    ".k div{display:flex;gap:6px}.k button,.s button{padding:5px 12px;border-radius:8px;",
    "border:1px solid var(--p);color:var(--p);background:#fff}.k button.y{background:var(--p);color:#fff}",
    ".s{margin-top:8px;font-size:13px;display:flex;flex-wrap:wrap;gap:6px;align-items:center}.s span{flex-basis:100%}",
    ".q{font-size:12px;color:#57606a;margin-top:6px}.q li{margin-left:16px}",
    ".y3{align-self:flex-start;background:#fff;border:1px solid #e3e6ea;border-radius:var(--r);padding:12px 14px;",
    "display:flex;gap:4px}.y3 span{width:7px;height:7px;border-radius:50%;background:#8c959f;",
    "animation:hb 1.2s infinite ease-in-out}.y3 span:nth-child(2){animation-delay:.15s}",
    ".y3 span:nth-child(3){animation-delay:.3s}@keyframes hb{0%,80%,100%{opacity:.3;transform:translateY(0)}",
    "40%{opacity:1;transform:translateY(-3px)}}",
    ".i{display:flex;gap:8px;padding:10px;border-top:1px solid #e3e6ea;background:#fff}",
    ".i textarea{flex:1;border:1px solid #d0d7de;border-radius:10px;padding:8px 10px;resize:none;height:40px;",
    "max-height:120px;background:#fff}.i button{background:var(--p);color:#fff;border-radius:10px;",
    "padding:0 16px;font-weight:600}.i button:disabled{opacity:.5;cursor:default}",
    "@media (max-width:480px){.p{left:0!important;right:0!important;bottom:0;top:0;width:100%;height:100%;",
    "border-radius:0}.o-open .l{display:none}}",
    "@media (prefers-reduced-motion:reduce){.y3 span{animation:none}.l{transition:none}}"
  ].join("");
  var ICON_CHAT = "<svg viewBox='0 0 24 24' aria-hidden='true'><path d='M12 3C6.5 3 2 6.9 2 11.7c0 2.4 1.1 " +
    "4.6 3 6.2L4.3 21l3.9-1.6c1.2.4 2.5.6 3.8.6 5.5 0 10-3.9 10-8.7S17.5 3 12 3z'/></svg>";
  var ICON_THUMB = "<svg viewBox='0 0 24 24' aria-hidden='true'><path d='M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.3l" +
    ".95-4.6.03-.3c0-.4-.17-.8-.44-1.06L14.2 1 7.6 7.6C7.2 8 7 8.5 7 9v10c0 1.1.9 2 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7c.1" +
    "-.2.2-.5.2-.7v-2z'/></svg>";
  var ICON_CLOSE = "<svg viewBox='0 0 24 24' aria-hidden='true'><path d='M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 " +
    "7.1 5.7a1 1 0 1 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 " +
    "1 0 0 0 0-1.4z'/></svg>";

  // -- little DOM helpers (text only: nothing from the server is ever parsed as HTML) ---------------------
  function el(name, attrs, kids) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v == null || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "on") Object.keys(v).forEach(function (e) { node.addEventListener(e, v[e]); });
      else node.setAttribute(k, v === true ? "" : v);
    });
    (kids || []).forEach(function (kid) { if (kid) node.appendChild(kid); });
    return node;
  }
  function href(url) {  // server links are relative to Huida (or absolute): never javascript: or data:
    if (!url || typeof url !== "string") return null;
    if (/^https?:\/\//i.test(url)) return url;
    return url.charAt(0) === "/" ? base + url : null;
  }

  // -- storage: the visitor's id and token, and whether the panel was open ----------------------------
  var STORE = "huida:" + (cfg.robot || cfg.key);
  function load() { try { return JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch (e) { return {}; } }
  function save(patch) {
    var state = load();
    Object.keys(patch).forEach(function (k) { state[k] = patch[k]; });
    try { localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode: this page only */ }
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // -- the API ------------------------------------------------------------------------------------------
  var token = load().token || null;
  function call(method, path, body) {
    var headers = { "X-Huida-Widget-Key": cfg.key };
    if (cfg.robot) headers["X-Huida-Robot"] = cfg.robot;
    if (token) headers["X-Huida-Visitor-Token"] = token;
    if (body) headers["Content-Type"] = "application/json";
    return fetch(base + "/widget/v1" + path, {
      method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: "omit"
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (res.ok && json.status === "OK") return json.entity;
        var error = new Error(json.errorDescription || "HTTP " + res.status);
        error.status = res.status; error.code = json.errorCode; error.retry = res.headers.get("Retry-After");
        throw error;
      });
    });
  }
  function visitor(retries) {  // a token for a new visitor id (an id already used gets a 409: make another)
    if (token) return Promise.resolve(token);
    var id = newId();
    return call("POST", "/visitors", { visitorId: id }).then(function (made) {
      token = made.token; save({ visitorId: id, token: token });
      return token;
    }, function (error) {
      if (error.status === 409 && (retries || 0) < 2) return visitor((retries || 0) + 1);
      throw error;
    });
  }
  // With a visitor; a token the server no longer takes (another server's secret) is replaced once, but never
  // because of the key (a revoked key must not cost the visitor its history under the next key).
  function api(method, path, body) {
    return visitor().then(function () { return call(method, path, body); }).catch(function (error) {
      if (error.code !== "VISITOR_TOKEN_INVALID" || !load().token) throw error;
      token = null; save({ token: null, visitorId: null });
      return visitor().then(function () { return call(method, path, body); });
    });
  }

  // -- the DOM ------------------------------------------------------------------------------------------
  var host = el("div", { id: "huida-widget", "data-huida": "widget" });
  var root = host.attachShadow({ mode: "open" });
  var wrap = el("div", { class: "w " + (cfg.position === "left" ? "L" : "R"), lang: lang });
  if (cfg.color) wrap.style.setProperty("--p", cfg.color);
  var offsets = cfg.offset.split(/\s+/).filter(Boolean).map(function (v) { return /^\d+$/.test(v) ? v + "px" : v; });
  if (offsets[0]) wrap.style.setProperty("--ox", offsets[0]);
  if (offsets[1] || offsets[0]) wrap.style.setProperty("--oy", offsets[1] || offsets[0]);
  var title = cfg.title || TEXTS.title;
  var launcher = el("button", { class: "l", type: "button", "data-huida": "launcher", "aria-label": TEXTS.open,
    "aria-expanded": "false", "aria-controls": "huida-panel" });
  launcher.innerHTML = ICON_CHAT;  // a constant of this file
  var closer = el("button", { class: "x", type: "button", "data-huida": "close", "aria-label": TEXTS.close });
  closer.innerHTML = ICON_CLOSE;
  var log = el("div", { class: "g", role: "log", "aria-live": "polite", "aria-label": TEXTS.log, tabindex: "0" });
  var input = el("textarea", { "data-huida": "input", "aria-label": TEXTS.input, placeholder: TEXTS.input,
    rows: "1", maxlength: "2000" });
  var send = el("button", { type: "button", "data-huida": "send", text: TEXTS.send });
  var panel = el("div", { class: "p", id: "huida-panel", role: "dialog", "aria-label": title, hidden: true }, [
    el("div", { class: "h" }, [el("h2", { text: title }), closer]), log,
    el("div", { class: "i" }, [input, send])
  ]);
  wrap.appendChild(el("style", { text: CSS }));
  wrap.appendChild(panel);
  wrap.appendChild(launcher);
  root.appendChild(wrap);

  function scroll() { log.scrollTop = log.scrollHeight; }
  function notice(text) { log.appendChild(el("div", { class: "n", role: "status", text: text })); scroll(); }
  function failed(error) {
    if (error && error.status === 429) notice(TEXTS.limited.replace("{s}", error.retry || "60"));
    else if (error && (error.status === 401 || error.status === 403)) notice(TEXTS.off);
    else notice(TEXTS.failed);
  }
  function visitorSays(text) {
    log.appendChild(el("div", { class: "m", "data-huida": "message", "data-from": "visitor", text: text }));
    scroll();
  }
  var typing = null;
  function showTyping(on) {
    if (on && !typing) {
      typing = el("div", { class: "y3", "data-huida": "typing", role: "status", "aria-label": TEXTS.typing },
        [el("span"), el("span"), el("span")]);
      log.appendChild(typing); scroll();
    } else if (!on && typing) { typing.remove(); typing = null; }
  }

  // -- rendering every content type of an answer (seed 004 §1.5, as the server's easemob view gives it) ----
  function option(item, kind) {
    var text = item.text || item.knowledgeId;
    return el("button", { class: "b" + (kind === "transfer" ? " tr" : ""), type: "button", "data-huida": "option",
      "data-kind": kind, "data-knowledge-id": item.knowledgeId, text: text,
      on: { click: function () { click(item.knowledgeId, text); } } });
  }
  var TRANSFER = /TransferToHuman|TRANSFER/i;  // the transfer button's knowledge ids (engine/dialogue/types.py)
  function choices(content) {
    return el("div", { class: "o", role: "group", "aria-label": content.title || "" }, (content.texts || []).map(
      function (item) { return option(item, TRANSFER.test(item.knowledgeId) ? "transfer" : "menu"); }));
  }
  function article(a) {
    var link = href(a.link), pic = href(a.picLink || a.thumbLink);
    var attrs = { class: "c", href: link, target: link ? "_blank" : null, rel: link ? "noopener noreferrer" : null };
    return el(link ? "a" : "div", attrs, [
      pic ? el("img", { src: pic, alt: "", loading: "lazy" }) : null,
      el("b", { text: a.title || "" }), a.digest ? el("span", { text: a.digest }) : null,
      link ? el("i", { text: TEXTS.more + " →" }) : null
    ]);
  }
  var RENDER = {
    txt: function (c) {
      return [el("div", { class: "t", text: c.msg || "" }), c.transferToHumanId ? el("div", { class: "o" }, [option(
        { knowledgeId: c.transferToHumanId, text: c.suggestionTransferToHumanLabel }, "transfer")]) : null];
    },
    img: function (c) {
      var src = href(c.link);
      return [src ? el("img", { src: src, alt: c.filename || "", loading: "eager",
        width: c.size && c.size.width, "data-huida-image": "" }) : el("div", { text: TEXTS.noImage })];
    },
    news: function (c) { return (c.articles || []).map(article); },
    menu: function (c) { return [c.title ? el("div", { class: "t", text: c.title }) : null, choices(c)]; },
    recommend: function (c) { return [c.title ? el("div", { class: "t", text: c.title }) : null, choices(c)]; },
    human: function (c) {
      return [el("div", { class: "t", "data-kind": "handover",
        text: c.enableTransferPrompt !== false && c.transferPrompt ? c.transferPrompt : TEXTS.human })];
    },
    video: function (c) { return [href(c.url) ? el("video", { src: href(c.url), controls: true }) : null]; },
    audio: function (c) { return [href(c.url) ? el("audio", { src: href(c.url), controls: true }) : null]; },
    group: function (c) {
      var parts = [];
      (c.answers || []).forEach(function (part) { parts = parts.concat(render(part)); });
      return parts;
    }
  };
  function citations(c) {  // document answers cite their paragraphs (issue 13)
    var cited = c.citations || c.references;
    if (!cited || !cited.length) return null;
    return el("div", { class: "q" }, [el("div", { text: TEXTS.sources }), el("ol", {}, cited.map(function (x) {
      var link = href(x.link || x.url);
      var label = x.title || x.documentName || x.text || "";
      return el("li", {}, [link ? el("a", { href: link, target: "_blank", rel: "noopener noreferrer", text: label }) :
        el("span", { text: label })]);
    }))]);
  }
  function render(content) {
    var draw = RENDER[(content || {}).type] || function (c) { return [el("div", { class: "t", text: c.msg || "" })]; };
    return draw(content || {}).concat([citations(content || {})]);
  }

  // -- feedback: thumbs on every robot answer, the satisfaction rating when the answer invites it ---------
  function thumbs(msgId, status) {
    var up, down, box = el("div", { class: "f" });
    function press(which) {
      up.setAttribute("aria-pressed", which === up);
      down.setAttribute("aria-pressed", which === down);
    }
    up = el("button", { type: "button", "data-huida": "option", "data-kind": "thumb-up", "aria-label": TEXTS.up,
      "aria-pressed": "false", title: TEXTS.up, on: { click: function () {
        api("POST", "/messages/" + encodeURIComponent(msgId) + "/feedback", { feedbackStatus: "thumb-up" })
          .then(function () { press(up); notice(TEXTS.thanks); }, failed);
      } } });
    down = el("button", { type: "button", "data-huida": "option", "data-kind": "thumb-down", "aria-label": TEXTS.down,
      "aria-pressed": "false", title: TEXTS.down, on: { click: function () { askReason(box, msgId, press, down); } } });
    up.innerHTML = down.innerHTML = ICON_THUMB;  // a constant of this file
    box.appendChild(up); box.appendChild(down);
    press(status === "thumb-up" ? up : status === "thumb-down" ? down : null);
    return box;
  }
  function askReason(box, msgId, press, down) {  // thumbs down: ask for the reason first
    var open = box.nextSibling && box.nextSibling.className === "k" ? box.nextSibling : null;
    if (open) { open.querySelector("textarea").focus(); return; }
    var reason = el("textarea", { "aria-label": TEXTS.reason, placeholder: TEXTS.reasonAsk, maxlength: "1000",
      "data-huida": "reason" });
    var form = el("div", { class: "k", role: "group", "aria-label": TEXTS.reasonAsk }, [reason, el("div", {}, [
      el("button", { type: "button", class: "y", "data-huida": "option", "data-kind": "reason", text: TEXTS.submit,
        on: { click: function () {
          var text = reason.value.trim();
          api("POST", "/messages/" + encodeURIComponent(msgId) + "/feedback",
            { feedbackStatus: "thumb-down", feedback: text || null })
            .then(function () { press(down); form.remove(); notice(TEXTS.thanks); down.focus(); }, failed);
        } } }),
      el("button", { type: "button", "data-huida": "option", "data-kind": "cancel", text: TEXTS.cancel,
        on: { click: function () { form.remove(); down.focus(); } } })
    ])]);
    box.parentNode.insertBefore(form, box.nextSibling);
    reason.focus();
  }
  function invitation(msgId) {
    var box = el("div", { class: "s open", role: "group", "aria-label": TEXTS.solvedAsk },
      [el("span", { text: TEXTS.solvedAsk })]);
    [[1, TEXTS.solved, "solved"], [2, TEXTS.unsolved, "unsolved"]].forEach(function (choice) {
      box.appendChild(el("button", { type: "button", "data-huida": "option", "data-kind": choice[2], text: choice[1],
        on: { click: function () {
          api("POST", "/satisfaction", { msgId: msgId, type: choice[0] })
            .then(function () { box.className = "s"; box.replaceChildren(el("span", { text: TEXTS.rated })); }, failed);
        } } }));
    });
    return box;
  }
  function robotSays(content, msgId, invited, status) {
    var bubble = el("div", { class: "m", "data-huida": "message", "data-from": "robot" }, render(content));
    if (msgId) {
      bubble.setAttribute("data-msg-id", msgId);
      bubble.appendChild(thumbs(msgId, status));
      if (invited) {  // one open invitation at a time: the newest answer's
        Array.prototype.forEach.call(log.querySelectorAll(".s.open"), function (box) { box.remove(); });
        bubble.appendChild(invitation(msgId));
      }
    }
    log.appendChild(bubble); scroll();
  }

  // -- the conversation ----------------------------------------------------------------------------------
  var busy = false;
  function exchange(body, shown) {
    if (busy) return;
    busy = true; send.disabled = true;
    visitorSays(shown);
    showTyping(true);
    api("POST", "/ask", body).then(function (answer) {
      showTyping(false);
      robotSays(answer.content, answer.msgId, answer.satisfactionCommentInvitation);
    }, function (error) { showTyping(false); failed(error); }).then(function () {
      busy = false; send.disabled = false;
    });
  }
  function click(knowledgeId, text) { exchange({ type: "MENU_CLICK", knowledgeId: knowledgeId }, text); }
  function submit() {
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    exchange({ type: "TEXT", question: text }, text);
    input.focus();
  }
  var started = false;
  function start() {  // the welcome (with its menu), then what this visitor said before
    if (started) return;
    started = true;
    showTyping(true);
    api("POST", "/welcome").then(function (welcome) {
      showTyping(false);
      var bubble = el("div", { class: "m", "data-huida": "message", "data-from": "robot", "data-kind": "welcome" },
        render(welcome.content).concat(welcome.menu ? render(welcome.menu) : []));
      log.appendChild(bubble);
      return api("GET", "/history?size=50");
    }).then(function (docs) {
      (docs || []).forEach(function (doc) {
        if (doc.question) visitorSays(doc.question);
        robotSays(doc.robotResponseBody, doc.msgId, false, doc.feedbackStatus);
      });
      scroll();
    }).catch(function (error) { showTyping(false); started = false; failed(error); });
  }
  function toggle(open) {
    panel.hidden = !open;
    wrap.classList.toggle("o-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? TEXTS.close : TEXTS.open);
    save({ open: open });
    if (open) { start(); input.focus(); scroll(); } else { launcher.focus(); }
  }
  launcher.addEventListener("click", function () { toggle(panel.hidden); });
  closer.addEventListener("click", function () { toggle(false); });
  send.addEventListener("click", submit);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
  });
  wrap.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { event.preventDefault(); toggle(false); }
  });

  function mount() {
    document.body.appendChild(host);
    if (load().open) toggle(true);
  }
  window.__huidaWidget = { open: function () { toggle(true); }, close: function () { toggle(false); }, version: 1 };
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
