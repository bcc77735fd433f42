// Test-only stand-in for the Tauri runtime, so the built UI can be looked at in
// a plain browser. It answers the IPC contract's commands with made-up data,
// streams quotes over the Channel, and records calls for the preview script.
// `?scenario=` picks the starting state. Never shipped: serve.mjs injects it.
(() => {
  const scenario = new URLSearchParams(location.search).get("scenario") ?? "desk";
  const calls = [];
  const cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
  );
  window.__preview = { calls, cspViolations };

  const callbacks = new Map();
  let nextId = 1;
  const transformCallback = (cb, once) => {
    const id = nextId++;
    callbacks.set(id, (payload) => {
      if (once) callbacks.delete(id);
      cb(payload);
    });
    return id;
  };
  const channels = new Map(); // callback id → next message index
  const send = (channel, message) => {
    const index = channels.get(channel.id) ?? 0;
    channels.set(channel.id, index + 1);
    callbacks.get(channel.id)?.({ index, message });
  };

  const accounts = [
    { id: "LIVE-2231", name: "Individual ••2231", isSim: false, status: "ACTIVE", kind: "INDIVIDUAL" },
    { id: "SIM-1001", name: "Paper ••1001", isSim: true, status: "ACTIVE", kind: "INDIVIDUAL" },
  ];
  const live = scenario === "live";
  const session = {
    mode: live ? "live" : "sandbox",
    simulator: live ? null : "http://127.0.0.1:41873",
    phase: "signedOut",
    redirect: "deepLink",
    vault: "keychain",
    user: null,
    accounts: [],
    scopes: [],
    expiresAt: null,
    error: null,
  };
  const signIn = () =>
    Object.assign(session, {
      phase: "signedIn",
      user: { id: "u-1", email: "dana@example.com", name: "Dana Trader" },
      accounts: live ? accounts.filter((a) => !a.isSim) : accounts,
      scopes: ["user:information", "market:information"],
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      error: null,
    });
  if (scenario === "desk" || live) signIn();
  if (scenario === "pending") session.phase = "pending";
  if (scenario === "locked") session.vault = "locked";
  if (scenario === "memoryOnly") session.vault = "memoryOnly";
  if (scenario === "denied") {
    session.error = {
      code: "auth.denied",
      message: "You clicked Deny on the Aries page. Sign in again and choose Allow to use Aries Desk.",
      retryable: false,
    };
  }

  const listeners = new Map(); // event name → callback ids
  const emit = (event, payload) =>
    (listeners.get(event) ?? []).forEach((id, i) => callbacks.get(id)?.({ event, id: i, payload }));
  const changed = () => {
    emit("session-changed", structuredClone(session));
    return structuredClone(session);
  };

  const now = () => new Date().toISOString();
  let orderSeq = 100;
  const orders = [
    order({ symbol: "AAPL", kind: "LIMIT", quantity: "25", limitPrice: "186.00", status: "NEW", working: true }),
    order({
      symbol: "MSFT",
      side: "SELL",
      kind: "STOP_LIMIT",
      quantity: "10",
      limitPrice: "402.00",
      stopPrice: "405.00",
      status: "PARTIALLY_FILLED",
      filled: "4",
      working: true,
    }),
    order({ symbol: "SPY", kind: "MARKET", quantity: "5", filled: "5", status: "FILLED", working: false }),
    order({
      symbol: "TSLA",
      kind: "LIMIT",
      quantity: "1000",
      limitPrice: "150.00",
      status: "REJECTED",
      working: false,
      reason: "ORDER_EXCEEDS_LIMIT: not enough buying power",
    }),
  ];
  function order(o) {
    const id = ++orderSeq;
    return {
      clOrdId: `ORD-${id}`,
      clientId: `intent-${id}`,
      accountId: "SIM-1001",
      side: "BUY",
      filled: "0",
      limitPrice: null,
      stopPrice: null,
      tif: "DAY",
      reason: null,
      updatedAt: now(),
      ...o,
    };
  }

  const prices = { AAPL: 189.32, MSFT: 404.1, SPY: 512.77, NVDA: 121.4, TSLA: 171.05 };
  let quoteTimer;
  function watchQuotes({ symbols, onBatch }) {
    clearInterval(quoteTimer);
    const state = {};
    for (const s of symbols) {
      const base = prices[s] ?? 50;
      state[s] = { last: base, open: base * 0.995, ageMs: 0 };
    }
    const view = (s) => {
      const q = state[s];
      const change = q.last - q.open;
      // MSFT stops updating after a while, to show how a stale quote looks.
      return {
        symbol: s,
        last: +q.last.toFixed(2),
        bid: +(q.last - 0.02).toFixed(2),
        ask: +(q.last + 0.02).toFixed(2),
        change: +change.toFixed(2),
        changePercent: +((change / q.open) * 100).toFixed(2),
        volume: 1_000_000,
        ageMs: q.ageMs,
        stale: q.ageMs > 1000,
        source: "update",
      };
    };
    send(onBatch, { quotes: symbols.map(view), connection: "live" });
    let tick = 0;
    quoteTimer = setInterval(() => {
      tick++;
      const moved = symbols.filter((s) => (s === "MSFT" ? tick < 3 : Math.random() < 0.6));
      for (const s of symbols) state[s].ageMs = moved.includes(s) ? 0 : state[s].ageMs + 250;
      for (const s of moved) state[s].last += (Math.random() - 0.48) * 0.4;
      const changedSymbols = symbols.filter((s) => moved.includes(s) || (s === "MSFT" && tick === 7));
      send(onBatch, { quotes: changedSymbols.map(view), connection: "live" });
    }, 250);
  }

  let accountChannel = null;
  const reject = (error) => Promise.reject(error);

  const commands = {
    session_status: () => structuredClone(session),
    login: () => (Object.assign(session, { phase: "pending", error: null }), changed()),
    cancel_login: () => ((session.phase = "signedOut"), changed()),
    logout: () => (Object.assign(session, { phase: "signedOut", user: null, accounts: [] }), changed()),
    unlock: ({ passphrase }) =>
      passphrase === "correct horse"
        ? (signIn(), (session.vault = "passphrase"), changed())
        : reject({
            code: "vault.passphrase",
            message: "That passphrase does not open the saved sign-in. Check it and try again.",
            retryable: false,
          }),
    set_redirect: ({ redirect }) => ((session.redirect = redirect), changed()),
    accounts: () => session.accounts,
    search_symbols: ({ query }) =>
      Object.keys(prices)
        .filter((s) => s.startsWith(query.toUpperCase()))
        .map((symbol) => ({ symbol, description: `${symbol} Inc.` })),
    watch_quotes: (args) => watchQuotes(args),
    watch_account: ({ onEvent }) => {
      accountChannel = onEvent;
      send(onEvent, { kind: "snapshot", orders: structuredClone(orders) });
    },
    list_orders: () => structuredClone(orders),
    preview_order: ({ ticket }) => {
      const price = Number(ticket.limitPrice ?? prices[ticket.symbol] ?? 50);
      const cost = (price * Number(ticket.quantity)).toFixed(2);
      return {
        clientId: `intent-${++orderSeq}`,
        estimatedCost: cost,
        commission: "0.00",
        buyingPowerImpact: (Number(cost) + 0.01).toFixed(2),
        warnings: Number(ticket.quantity) > 100 ? ["This order uses more than 25% of your buying power."] : [],
      };
    },
    place_order: ({ ticket, clientId }) => {
      const placed = order({
        ...ticket,
        clientId,
        clOrdId: `ORD-${++orderSeq}`,
        status: "PENDING_NEW",
        working: true,
      });
      orders.unshift(placed);
      setTimeout(
        () =>
          accountChannel &&
          send(accountChannel, { kind: "order", order: { ...placed, status: "NEW", updatedAt: now() } }),
        400,
      );
      return { outcome: "accepted", order: placed };
    },
    cancel_order: ({ clOrdId }) => {
      const found = orders.find((o) => o.clOrdId === clOrdId);
      if (!found) return { outcome: "rejected", reason: "Unknown order" };
      Object.assign(found, { status: "CANCELED", working: false, updatedAt: now() });
      return { outcome: "accepted", order: structuredClone(found) };
    },
    "plugin:event|listen": ({ event, handler }) => {
      listeners.set(event, [...(listeners.get(event) ?? []), handler]);
      return listeners.get(event).length - 1;
    },
    "plugin:event|unlisten": () => null,
  };

  window.__TAURI_INTERNALS__ = {
    transformCallback,
    unregisterCallback: (id) => callbacks.delete(id),
    invoke: async (cmd, args = {}) => {
      calls.push(cmd);
      const command = commands[cmd];
      if (!command) throw `command ${cmd} not found`;
      await new Promise((r) => setTimeout(r, 60)); // a little IPC latency, to see pending states
      return command(args);
    },
  };
})();
