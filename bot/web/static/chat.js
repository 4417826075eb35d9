/*
 * Leerpunt chat: talks to Rasa's socket.io channel (socketio in credentials.yml,
 * session_persistence: true). Used by the chat page (/chat) and by the widget.
 *
 * Protocol: connect (path /socket.io/) -> emit 'session_request' {session_id}
 * -> receive 'session_confirm' -> emit 'user_uttered' {message, session_id,
 * metadata} -> receive 'bot_uttered' {text, quick_replies|buttons, attachment|image}.
 *
 * The conversation (session id, transcript, unsent messages) lives in
 * sessionStorage, so a reload in the same tab continues the same conversation.
 * Messages typed while the connection is down are kept and sent after the
 * session is confirmed again (the reply goes to the session's room, which the
 * new socket only joins on session_request).
 */
(function () {
  'use strict';

  var T = {
    title: 'Leerpunt',
    subtitle: 'Even sparren over je personeel',
    subtitleRegion: 'Even sparren over je personeel · regio ',
    log: 'Gesprek met Leerpunt',
    you: 'Jij: ',
    bot: 'Leerpunt: ',
    replies: 'Kies een antwoord of typ zelf iets',
    inputLabel: 'Je bericht',
    placeholder: 'Typ hier je bericht…',
    send: 'Verstuur',
    restart: 'Nieuw gesprek',
    restartConfirm: 'Wil je opnieuw beginnen? Dit gesprek verdwijnt uit dit venster.',
    close: 'Sluit de chat',
    connecting: 'Verbinden…',
    offline: 'Verbinding verbroken. We proberen het opnieuw; je berichten blijven bewaard.',
    back: 'Weer verbonden. Je kunt verder waar je was.',
    queued: 'Wordt verstuurd zodra er weer verbinding is',
    imageAlt: 'Grafiek bij het antwoord van Leerpunt',
    note: 'Wij geven niets door aan een coach zonder dat jij daar eerst ja op zegt.',
    tooLong: function (n) {
      return 'Je bericht is ' + n + ' tekens; er passen er ' + MAX_CHARS + ' in één bericht. ' +
        'Maak het wat korter of stuur het in twee delen. Je tekst blijft staan.';
    }
  };
  // Longer messages are not cut off without a word: the box says so and keeps the text.
  var MAX_CHARS = 1000;
  var STORE_PREFIX = 'leerpunt.chat.';
  var ID_RE = /^[a-z0-9_-]{1,40}$/;
  var SAFE_IMG = /^(data:image\/(png|jpeg|gif|webp);base64,|https:\/\/|http:\/\/|\/)/i;
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var counter = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function icon(path) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var p = document.createElementNS(SVG_NS, 'path');
    p.setAttribute('d', path);
    p.setAttribute('fill', 'currentColor');
    svg.appendChild(p);
    return svg;
  }
  var SEND_ICON = 'M3 20.5 21 12 3 3.5l.01 6.6L15 12 3.01 13.9z';

  function newId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  /* Text with clickable web links and **bold**, built from text nodes (never innerHTML). */
  function richText(node, text) {
    var re = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]])|\*\*([^*]+)\*\*/g;
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) node.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1]) {
        var a = el('a', null, m[1]);
        a.href = m[1];
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        node.appendChild(a);
      } else {
        node.appendChild(el('strong', null, m[2]));
      }
      last = re.lastIndex;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
  }

  /* Relative luminance (WCAG 2.1) of #rgb / #rrggbb. */
  function luminance(hex) {
    var h = hex.slice(1);
    if (h.length === 3) h = h[0] + h[0] + h[1] + h[1] + h[2] + h[2];
    var rgb = [0, 2, 4].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  }
  /* Black or white text, whichever contrasts more with the background `hex`. */
  function onColor(hex) {
    var l = luminance(hex);
    return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#111111';
  }
  /* `hex` as text on white when it reaches 4.5:1, else near-black. */
  function textOnWhite(hex) {
    return 1.05 / (luminance(hex) + 0.05) >= 4.5 ? hex : '#1a1a1a';
  }

  function cleanMetadata(meta) {
    var out = {};
    ['regio', 'bron', 'campagne'].forEach(function (k) {
      if (meta && typeof meta[k] === 'string' && ID_RE.test(meta[k])) out[k] = meta[k];
    });
    return out;
  }

  /**
   * Mount a chat into `root`. Options: rasaUrl, socketPath, initPayload,
   * metadata {regio, bron, campagne}, regionName, storageKey, color, logo,
   * imageAlt, headingLevel, onClose (widget), io (socket.io factory).
   */
  function mount(root, options) {
    var opts = options || {};
    var uid = 'lp' + (++counter);
    var metadata = cleanMetadata(opts.metadata);
    var storeKey = STORE_PREFIX + (opts.storageKey || 'page');
    var state = load();
    var confirmed = false;
    var wasOffline = false;
    var typingTimer = null;

    // --- DOM -------------------------------------------------------------
    var chat = el('section', 'lp-chat');
    chat.setAttribute('aria-labelledby', uid + '-title');
    if (opts.color && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(opts.color)) {
      chat.style.setProperty('--lp-accent', opts.color);
      chat.style.setProperty('--lp-on-accent', onColor(opts.color));
      chat.style.setProperty('--lp-accent-text', textOnWhite(opts.color));
    }
    var header = el('header', 'lp-header');
    if (opts.logo) {
      var logo = el('img', 'lp-logo');
      logo.src = opts.logo;
      logo.alt = '';
      header.appendChild(logo);
    }
    var heading = el('div', 'lp-heading');
    var title = el(opts.headingLevel || 'h1', 'lp-title', T.title);
    title.id = uid + '-title';
    heading.appendChild(title);
    heading.appendChild(el('p', 'lp-subtitle',
      opts.regionName ? T.subtitleRegion + opts.regionName : T.subtitle));
    header.appendChild(heading);
    var restart = el('button', 'lp-restart', T.restart);
    restart.type = 'button';
    header.appendChild(restart);
    if (opts.onClose) {
      var close = el('button', 'lp-close', '✕');
      close.type = 'button';
      close.setAttribute('aria-label', T.close);
      close.addEventListener('click', function () { opts.onClose(); });
      header.appendChild(close);
    }

    var log = el('div', 'lp-log');
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'polite');
    log.setAttribute('aria-relevant', 'additions');
    log.setAttribute('aria-label', T.log);
    log.tabIndex = 0; // scrollable region must be reachable by keyboard
    var messages = el('div', 'lp-messages');
    log.appendChild(messages);
    var typing = el('div', 'lp-typing');
    typing.setAttribute('aria-hidden', 'true');
    typing.hidden = true;
    typing.appendChild(el('span'));
    typing.appendChild(el('span'));
    typing.appendChild(el('span'));
    log.appendChild(typing);

    var status = el('p', 'lp-status');
    status.id = uid + '-status';
    status.setAttribute('role', 'status');

    var form = el('form', 'lp-form');
    form.setAttribute('novalidate', '');
    var label = el('label', 'lp-sr', T.inputLabel);
    label.htmlFor = uid + '-input';
    var input = el('input', 'lp-input');
    input.id = uid + '-input';
    input.type = 'text';
    input.name = 'bericht';
    input.autocomplete = 'off';
    input.setAttribute('aria-describedby', uid + '-status');
    input.placeholder = T.placeholder;
    input.setAttribute('enterkeyhint', 'send');
    var send = el('button', 'lp-send');
    send.type = 'submit';
    send.appendChild(icon(SEND_ICON));
    send.appendChild(el('span', null, T.send));
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);

    chat.appendChild(header);
    chat.appendChild(log);
    chat.appendChild(status);
    chat.appendChild(form);
    chat.appendChild(el('p', 'lp-note', T.note));
    root.appendChild(chat);

    // --- state -------------------------------------------------------------
    function fresh() {
      return { v: 1, sessionId: newId(), initSent: false, items: [], pending: [] };
    }
    function load() {
      try {
        var s = JSON.parse(window.sessionStorage.getItem(storeKey) || 'null');
        if (s && s.v === 1 && typeof s.sessionId === 'string') return s;
      } catch (e) { /* storage blocked or corrupt: start fresh */ }
      return fresh();
    }
    function save() {
      try {
        window.sessionStorage.setItem(storeKey, JSON.stringify(state));
      } catch (e) {
        // Quota: keep the conversation, drop stored images (the alt text stays).
        try {
          var slim = JSON.parse(JSON.stringify(state));
          slim.items.forEach(function (it) { if (it.image) it.image = null; });
          window.sessionStorage.setItem(storeKey, JSON.stringify(slim));
        } catch (e2) { /* no storage: the tab still works without reload continuity */ }
      }
    }

    // --- rendering ------------------------------------------------------------
    function scroll() { log.scrollTop = log.scrollHeight; }

    function renderItem(item, idx) {
      var who = item.who === 'user' ? 'user' : 'bot';
      var node = el('div', 'lp-msg lp-msg--' + who);
      node.appendChild(el('span', 'lp-sr', who === 'user' ? T.you : T.bot));
      if (item.image !== undefined) {
        node.classList.add('lp-msg--image');
        if (item.image) {
          var img = el('img');
          img.src = item.image;
          img.alt = item.alt || T.imageAlt;
          img.decoding = 'async';
          img.addEventListener('load', scroll);
          node.appendChild(img);
        } else {
          node.appendChild(document.createTextNode('[' + (item.alt || T.imageAlt) + ']'));
        }
        if (item.text) {  // a caption in the same bubble: one message, not two
          var caption = el('p', 'lp-caption');
          richText(caption, item.text);
          node.appendChild(caption);
        }
      } else {
        richText(node, item.text || '');
      }
      if (item.pending) {
        node.classList.add('lp-msg--pending');
        node.title = T.queued;
      }
      node.setAttribute('data-index', String(idx));
      messages.appendChild(node);
    }

    function renderReplies() {
      var old = messages.querySelector('.lp-replies');
      if (old) old.parentNode.removeChild(old);
      var last = state.items[state.items.length - 1];
      if (!last || last.who !== 'bot' || !last.replies || !last.replies.length) return;
      var group = el('div', 'lp-replies');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', T.replies);
      last.replies.forEach(function (r) {
        var b = el('button', 'lp-reply', r.title);
        b.type = 'button';
        b.addEventListener('click', function () {
          userSays(r.payload, r.title);
          input.focus();
        });
        group.appendChild(b);
      });
      messages.appendChild(group);
    }

    function renderAll() {
      while (messages.firstChild) messages.removeChild(messages.firstChild);
      state.items.forEach(renderItem);
      renderReplies();
      scroll();
    }

    function append(item) {
      state.items.push(item);
      renderItem(item, state.items.length - 1);
      renderReplies();
      scroll();
    }

    function setStatus(text) { status.textContent = text || ''; }

    function showTyping(on) {
      clearTimeout(typingTimer);
      typing.hidden = !on;
      if (on) {
        typingTimer = setTimeout(function () { typing.hidden = true; }, 20000);
        scroll();
      }
    }

    // --- messaging ------------------------------------------------------------
    var socket = null;

    function flush() {
      if (!socket || !confirmed) return;
      while (state.pending.length) {
        var msg = state.pending.shift();
        socket.emit('user_uttered', {
          message: msg.message,
          session_id: state.sessionId,
          metadata: metadata
        });
      }
      var changed = false;
      state.items.forEach(function (it) { if (it.pending) { delete it.pending; changed = true; } });
      if (changed) renderAll();
      save();
    }

    /* Send `message`; show `shown` as the user's words (null: send unseen, e.g. the start). */
    function userSays(message, shown) {
      if (shown !== null) append({ who: 'user', text: shown, pending: !confirmed || undefined });
      state.pending.push({ message: message });
      save();
      showTyping(true);
      flush();
    }

    function botSays(data) {
      if (!data || typeof data !== 'object') return;
      showTyping(false);
      var att = data.attachment;
      var src = data.image || (att && att.type === 'image' && att.payload && att.payload.src);
      var alt = data.alt || (att && att.payload && att.payload.alt) || opts.imageAlt || T.imageAlt;
      var replies = (data.quick_replies || data.buttons || []).filter(function (r) {
        return r && typeof r.title === 'string' && typeof r.payload === 'string';
      }).map(function (r) { return { title: r.title, payload: r.payload }; });
      var safeImage = typeof src === 'string' && SAFE_IMG.test(src);
      var caption = data.caption;
      if (typeof data.text === 'string' && data.text.trim()) {
        append({ who: 'bot', text: data.text, replies: safeImage ? undefined : replies });
      }
      if (safeImage) {
        append({ who: 'bot', image: src, alt: String(alt), replies: replies,
          text: typeof caption === 'string' ? caption : undefined });
      } else if (!(typeof data.text === 'string' && data.text.trim()) && replies.length) {
        append({ who: 'bot', text: '', replies: replies });
      }
      save();
    }

    function connect() {
      var factory = opts.io || window.io;
      if (typeof factory !== 'function') {
        setStatus(T.offline);
        return;
      }
      setStatus(T.connecting);
      socket = factory(opts.rasaUrl || 'http://localhost:5005', {
        path: opts.socketPath || '/socket.io/',
        transports: ['websocket', 'polling'],
        tryAllTransports: true,
        reconnectionDelay: 500,
        reconnectionDelayMax: 4000,
        timeout: 10000
      });
      socket.on('connect', function () {
        confirmed = false;
        socket.emit('session_request', { session_id: state.sessionId });
      });
      socket.on('session_confirm', function (data) {
        var id = data && typeof data === 'object' ? data.session_id : data;
        if (typeof id === 'string' && id && id !== state.sessionId) state.sessionId = id;
        confirmed = true;
        setStatus(wasOffline ? T.back : '');
        wasOffline = false;
        if (!state.initSent) {
          state.initSent = true;
          if (opts.initPayload) userSays(opts.initPayload, null);
        }
        flush();
        if (window.performance && performance.mark) performance.mark('leerpunt:ready');
        root.setAttribute('data-lp-ready', 'true');
      });
      socket.on(opts.botEvent || 'bot_uttered', botSays);
      socket.on('disconnect', function (reason) {
        confirmed = false;
        wasOffline = true;
        showTyping(false);
        setStatus(T.offline);
        // After a server-side disconnect socket.io does not retry by itself.
        if (reason === 'io server disconnect') setTimeout(function () { socket.connect(); }, 1000);
      });
      socket.on('connect_error', function () {
        wasOffline = true;
        setStatus(T.offline);
      });
    }

    var tooLongShown = false;
    function checkLength() {
      var n = input.value.trim().length;
      if (n > MAX_CHARS) {
        setStatus(T.tooLong(n));
        tooLongShown = true;
        input.setAttribute('aria-invalid', 'true');
      } else if (tooLongShown) {
        setStatus('');
        tooLongShown = false;
        input.removeAttribute('aria-invalid');
      }
      return n <= MAX_CHARS;
    }
    input.addEventListener('input', checkLength);

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      if (!checkLength()) { input.focus(); return; }
      input.value = '';
      userSays(text, text);
    });

    restart.addEventListener('click', function () {
      if (state.items.length && !window.confirm(T.restartConfirm)) return;
      state = fresh();
      save();
      renderAll();
      if (socket) {
        confirmed = false;
        socket.emit('session_request', { session_id: state.sessionId });
      }
      input.focus();
    });

    renderAll();
    connect();

    return {
      element: chat,
      focus: function () { input.focus(); },
      sessionId: function () { return state.sessionId; },
      disconnect: function () { if (socket) socket.disconnect(); }
    };
  }

  window.LeerpuntChat = { mount: mount, version: '1' };

  // The chat page: configuration is in <script type="application/json" id="leerpunt-config">.
  var cfgNode = document.getElementById('leerpunt-config');
  var target = document.getElementById('leerpunt-chat');
  if (cfgNode && target && !target.getAttribute('data-lp-mounted')) {
    target.setAttribute('data-lp-mounted', 'true');
    var cfg = {};
    try { cfg = JSON.parse(cfgNode.textContent || '{}'); } catch (e) { cfg = {}; }
    cfg.storageKey = 'page';
    mount(target, cfg);
  }
})();
