#!/usr/bin/python3
"""A stand-in status-notifier host (a desktop panel's tray) for the end-to-end suite.

Owns org.kde.StatusNotifierWatcher on the test's private session bus, so the
app's tray (libayatana-appindicator) registers its item here instead of
falling back to an X tray Xvfb does not have. Then, for each line
`click <label>` on stdin, it reads the item's menu over com.canonical.dbusmenu
(the protocol a panel uses) and clicks the entry with that label, answering
`clicked` or `error <why>` on stdout. Debian's python3-dbus and python3-gi.
"""

import sys
import time

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

NAME = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"
PROPS = "org.freedesktop.DBus.Properties"


class Watcher(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, PATH)
        self.items = []

    @dbus.service.method(NAME, in_signature="s", out_signature="", sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        # appindicator passes its object path; others pass a bus name.
        path = service if service.startswith("/") else "/StatusNotifierItem"
        self.items.append((sender, path))
        self.StatusNotifierItemRegistered(f"{sender}{path}")

    @dbus.service.method(NAME, in_signature="s", out_signature="")
    def RegisterStatusNotifierHost(self, service):
        pass

    @dbus.service.signal(NAME, signature="s")
    def StatusNotifierItemRegistered(self, item):
        pass

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        return self.GetAll(interface)[prop]

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        items = dbus.Array([f"{s}{p}" for s, p in self.items], signature="s")
        return {
            "RegisteredStatusNotifierItems": items,
            "IsStatusNotifierHostRegistered": True,
            "ProtocolVersion": dbus.Int32(0),
        }


def find(layout, label):
    """The id of the menu entry whose label (mnemonics aside) is `label`."""
    entry_id, props, children = layout
    if str(props.get("label", "")).replace("_", "") == label:
        return int(entry_id)
    for child in children:
        found = find(child, label)
        if found is not None:
            return found
    return None


def click(bus, watcher, label):
    if not watcher.items:
        return "error no tray item registered"
    sender, path = watcher.items[-1]
    item = bus.get_object(sender, path)
    menu_path = item.Get("org.kde.StatusNotifierItem", "Menu", dbus_interface=PROPS)
    menu = dbus.Interface(bus.get_object(sender, menu_path), "com.canonical.dbusmenu")
    _, layout = menu.GetLayout(0, -1, dbus.Array([], signature="s"))
    entry = find(layout, label)
    if entry is None:
        return f"error no menu entry {label!r}"
    menu.Event(entry, "clicked", dbus.Int32(0, variant_level=1), dbus.UInt32(int(time.time())))
    return "clicked"


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    watcher = Watcher(bus)
    loop = GLib.MainLoop()

    def on_line(source, _condition):
        line = source.readline()
        if not line:
            loop.quit()
            return False
        command, _, label = line.strip().partition(" ")
        try:
            answer = click(bus, watcher, label) if command == "click" else f"error unknown command {command!r}"
        except dbus.DBusException as e:
            answer = f"error {e.get_dbus_message()}"
        print(answer, flush=True)
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_line)
    print("ready", flush=True)
    loop.run()
    del name


if __name__ == "__main__":
    main()
