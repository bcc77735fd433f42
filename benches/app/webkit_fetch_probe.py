# Diagnosis for docs/benchmarks.md ("Working memory over 10 minutes"): does
# WebKitGTK's web process keep each custom-scheme response the page fetches, as
# Tauri's Channel payloads of 8 KiB or more are fetched over ipc:?
#
#   xvfb-run -a /usr/bin/python3 benches/app/webkit_fetch_probe.py browser 6000
#   xvfb-run -a /usr/bin/python3 benches/app/webkit_fetch_probe.py viewer 20000
#
# The first argument is WebKit's cache model (web browser or document viewer);
# prints the web process's PSS before and after N fetches of 12 KB answers.
import gi, sys, os
gi.require_version('Gtk', '3.0'); gi.require_version('WebKit2', '4.1')
from gi.repository import Gtk, WebKit2, GLib, Gio
model = sys.argv[1]; N = int(sys.argv[2])
ctx = WebKit2.WebContext.get_default()
if model == 'viewer': ctx.set_cache_model(WebKit2.CacheModel.DOCUMENT_VIEWER)
count = {'n': 0}
def handler(req):
    count['n'] += 1
    body = ('{"i":%d,"q":"%s"}' % (count['n'], 'x' * 12000)).encode()
    req.finish(Gio.MemoryInputStream.new_from_data(body), len(body), 'application/json')
ctx.register_uri_scheme('ipcx', handler)
ctx.get_security_manager().register_uri_scheme_as_cors_enabled('ipcx')
w = Gtk.Window(); v = WebKit2.WebView(web_context=ctx); w.add(v); w.show_all()
v.load_html("""<script>
window.go = async (n) => { for (let i = 0; i < n; i++) { const r = await fetch('ipcx://localhost/batch/' + i, {method: 'POST', body: 'x'}); await r.text(); } document.title = 'done'; };
</script>""", 'ipcx://localhost/')
def pss():
    pids = [int(p) for p in os.listdir('/proc') if p.isdigit() and open(f'/proc/{p}/comm').read().strip() == 'WebKitWebProces']
    pid = max(pids)
    return next(int(l.split()[1]) for l in open(f'/proc/{pid}/smaps_rollup') if l.startswith('Pss:')) / 1024
state = {}
def start():
    state['a'] = pss(); v.evaluate_javascript("go(%d)" % N, -1, None, None, None, None, None); GLib.timeout_add(500, poll); return False
def poll():
    if v.get_title() == 'done':
        GLib.timeout_add(3000, lambda: (print(model, N, count['n'], "web PSS %.1f -> %.1f MiB" % (state['a'], pss()), flush=True), Gtk.main_quit()))
        return False
    return True
GLib.timeout_add(2000, start)
Gtk.main()
