/*
 * Leerpunt widget for a region's website: one element and one script tag.
 *
 *   <div id="leerpunt-chat"></div>
 *   <script src="https://chat.example.org/widget.js" async
 *           data-regio="twente" data-bron="website" data-campagne="najaar"
 *           data-color="#0b535e" data-logo="https://regio.example.org/logo.png"
 *           data-launcher-text="Vraag het Leerpunt"></script>
 *
 * Optional: data-rasa-url (default: the server that serves this file's
 * setting), data-target (CSS selector of the element; default #leerpunt-chat,
 * created when missing). `bron` and `campagne` in the host page's address
 * (e.g. ?bron=linkedin from a shared LinkedIn post) take precedence over the
 * data attributes. Every value is checked against the whitelist below, which
 * the server fills in; anything else is dropped.
 *
 * The chat renders in a shadow root, so the site's styles and ours stay apart.
 * Scripts (socket.io client, chat.js) load on the first click, or at once when
 * this tab already has a conversation open.
 */
(function (ALLOWED) {
  'use strict';
  var script = document.currentScript;
  if (!script || !ALLOWED || window.__leerpuntWidget) return;
  window.__leerpuntWidget = true;

  var ID_RE = /^[a-z0-9_-]{1,40}$/;
  var origin = new URL(script.src, document.baseURI).origin;
  var d = script.dataset;
  var pageQuery = new URLSearchParams(window.location.search);
  var OPEN_KEY = 'leerpunt.widget.open';

  function pick(value) {
    value = (value || '').trim().toLowerCase();
    return value || null;
  }
  var regio = pick(d.regio);
  if (!regio || !Object.prototype.hasOwnProperty.call(ALLOWED.regions, regio)) regio = null;
  var sources = regio ? ALLOWED.regions[regio] : ALLOWED.sources;
  var bron = pick(pageQuery.get('bron'));
  if (!bron || sources.indexOf(bron) < 0) bron = pick(d.bron);
  if (!bron || sources.indexOf(bron) < 0) bron = null;
  var campagne = pick(pageQuery.get('campagne'));
  if (!campagne || !ID_RE.test(campagne)) campagne = pick(d.campagne);
  if (!campagne || !ID_RE.test(campagne)) campagne = null;
  var metadata = {};
  if (regio) metadata.regio = regio;
  if (bron) metadata.bron = bron;
  if (campagne) metadata.campagne = campagne;

  var color = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(d.color || '') ? d.color : null;
  var logo = /^(https?:\/\/|\/)/i.test(d.logo || '') ? d.logo : null;
  var rasaUrl = /^https?:\/\//i.test(d.rasaUrl || '') ? d.rasaUrl : ALLOWED.rasaUrl;

  /* Black or white text, whichever contrasts more with the region's colour. */
  function onColor(hex) {
    var h = hex.slice(1);
    if (h.length === 3) h = h[0] + h[0] + h[1] + h[1] + h[2] + h[2];
    var lum = [0, 2, 4].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#111111';
  }

  var host = document.querySelector(d.target || '#leerpunt-chat');
  if (!host) {
    host = document.createElement('div');
    host.id = 'leerpunt-chat';
    document.body.appendChild(host);
  }
  var shadow = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;

  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = origin + '/static/chat.css';
  shadow.appendChild(css);

  var wrap = document.createElement('div');
  wrap.className = 'lp-widget';
  var launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'lp-launcher';
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'lp-panel');
  launcher.appendChild(document.createElement('span')).textContent =
    (d.launcherText || '').trim() || 'Vraag het Leerpunt';
  if (color) {
    launcher.style.setProperty('--lp-accent', color);
    launcher.style.setProperty('--lp-on-accent', onColor(color));
  }
  var panel = document.createElement('div');
  panel.className = 'lp-panel';
  panel.id = 'lp-panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-modal', 'false');
  panel.setAttribute('aria-label', 'Chat met Leerpunt');
  panel.hidden = true;
  wrap.appendChild(panel);
  wrap.appendChild(launcher);
  shadow.appendChild(wrap);

  var chat = null;
  var loading = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.async = true;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('could not load ' + src)); };
      document.head.appendChild(s);
    });
  }

  function ensureChat() {
    if (loading) return loading;
    loading = loadScript(origin + '/static/vendor/socket.io.min.js')
      .then(function () { return window.LeerpuntChat ? null : loadScript(origin + '/static/chat.js'); })
      .then(function () {
        chat = window.LeerpuntChat.mount(panel, {
          rasaUrl: rasaUrl,
          socketPath: ALLOWED.socketPath,
          initPayload: ALLOWED.initPayload,
          metadata: metadata,
          storageKey: 'widget',
          color: color,
          logo: logo,
          headingLevel: 'h2',
          onClose: function () { setOpen(false); launcher.focus(); }
        });
        return chat;
      });
    return loading;
  }

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    try { window.sessionStorage.setItem(OPEN_KEY, open ? '1' : '0'); } catch (e) { /* ignore */ }
  }

  launcher.addEventListener('click', function () {
    setOpen(true);
    ensureChat().then(function (c) { c.focus(); });
  });
  panel.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') { setOpen(false); launcher.focus(); }
  });

  var reopen = false;
  try { reopen = window.sessionStorage.getItem(OPEN_KEY) === '1'; } catch (e) { /* ignore */ }
  if (reopen) {
    setOpen(true);
    ensureChat();
  }
})(/*ALLOWED*/null);
