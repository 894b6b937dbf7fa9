// The shell panel of a deployment page: xterm.js (from its webjar) connected to the console's WebSocket, which
// bridges it to a shell in the replica. Keys typed go out as text; the shell's output comes back as bytes.
(function () {
  var el = document.getElementById('terminal');
  if (!el || typeof Terminal === 'undefined') { return; }
  var term = new Terminal({ rendererType: 'dom', cols: 100, rows: 20, convertEol: false, screenReaderMode: true });
  term.open(el);
  var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  var url = scheme + location.host + el.dataset.ws + '?_csrf=' + encodeURIComponent(el.dataset.csrf) +
      '&cols=' + term.cols + '&rows=' + term.rows;
  var ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  ws.onmessage = function (e) {
    term.write(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
  };
  ws.onclose = function () { term.write('\r\n[disconnected]\r\n'); el.dataset.state = 'closed'; };
  ws.onopen = function () { el.dataset.state = 'open'; };
  term.onData(function (d) { if (ws.readyState === WebSocket.OPEN) { ws.send(d); } });
})();
