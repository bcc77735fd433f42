# Diagnosis for docs/benchmarks.md ("Working memory over 10 minutes"): does
# WebKitGTK's web process keep memory for every distinct script the UI process
# evaluates, as Tauri delivers each Channel message under 8 KiB?
#
#   xvfb-run -a /usr/bin/python3 benches/app/webkit_eval_probe.py same 60000
#   xvfb-run -a /usr/bin/python3 benches/app/webkit_eval_probe.py distinct 60000
#
# Prints the web process's PSS before and after N evaluations (python3-gi and
# WebKitGTK's introspection data, which the build packages bring).
import gi, sys, os, time
gi.require_version('Gtk', '3.0'); gi.require_version('WebKit2', '4.1')
from gi.repository import Gtk, WebKit2, GLib
mode = sys.argv[1]  # "distinct" or "same"
N = int(sys.argv[2])
w = Gtk.Window(); v = WebKit2.WebView(); w.add(v); w.show_all()
v.load_html("<script>window.n=0;window.cb=(x)=>{window.n+=x.a.length}</script>", None)
def web_pids():
    out=[]
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                if open(f'/proc/{p}/comm').read().strip()=='WebKitWebProces': out.append(int(p))
            except Exception: pass
    return out
def pss(pid):
    for l in open(f'/proc/{pid}/smaps_rollup'):
        if l.startswith('Pss:'): return int(l.split()[1])/1024
state={'i':0,'t0':None}
def step():
    if state['i']==0:
        pid=max(web_pids()); state['pid']=pid; state['start']=pss(pid)
    for _ in range(200):
        i=state['i']
        payload = '{"a":[%d,%d,%d,"AAPL",%f]}' % (i, i*7, i*13, i*0.01) if mode=='distinct' else '{"a":[1,2,3,"AAPL",0.5]}'
        v.evaluate_javascript("window.cb(%s)" % payload, -1, None, None, None, None, None)
        state['i']+=1
    if state['i']>=N:
        GLib.timeout_add(3000, done); return False
    return True
def done():
    print(mode, N, "web process PSS %.1f -> %.1f MiB" % (state['start'], pss(state['pid'])), flush=True)
    Gtk.main_quit(); return False
GLib.timeout_add(2000, lambda: (GLib.timeout_add(5, step), False)[1])
Gtk.main()
