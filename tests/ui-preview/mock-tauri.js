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
      // What the app asks for by default (src-tauri config): a full trading session.
      scopes: [
        "user:information",
        "account:information",
        "order:execution",
        "order:information",
        "position:information",
        "market:information",
      ],
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      error: null,
    });
  if (scenario === "desk" || scenario === "chartDown" || scenario === "positionsDown" || live) signIn();
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
  const RELEASE = {
    version: "0.2.0",
    notes: "Fills and orders drawn on the chart.\nSaved watchlists.\nFaster order history.",
    date: "2026-11-30T00:00:00Z",
  };
  const update = { current: "0.1.0", phase: "idle", release: null, received: 0, total: null, message: null };
  const updateTo = (change) => {
    Object.assign(update, change);
    emit("update-changed", structuredClone(update));
    return structuredClone(update);
  };
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
  // One subscription per panel, as in Rust's registry; the price paths are shared.
  const quoteTimers = {};
  const panels = {};
  const state = {};
  function unwatchQuotes({ panel }) {
    clearInterval(quoteTimers[panel]);
    delete panels[panel];
    window.__preview.watched = [...new Set(Object.values(panels).flat())];
  }
  function watchQuotes({ panel, symbols, onBatch }) {
    unwatchQuotes({ panel });
    panels[panel] = symbols;
    window.__preview.watched = [...new Set(Object.values(panels).flat())];
    for (const s of symbols) {
      const base = prices[s] ?? 50;
      state[s] ??= { last: base, open: base * 0.995, volume: 1_000_000, ageMs: 0 };
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
        volume: q.volume,
        ageMs: q.ageMs,
        stale: q.ageMs > 1000,
        source: "update",
      };
    };
    send(onBatch, { quotes: symbols.map(view), connection: "live", sentAtMs: Date.now() });
    let tick = 0;
    quoteTimers[panel] = setInterval(() => {
      tick++;
      const moved = symbols.filter((s) => (s === "MSFT" ? tick < 3 : Math.random() < 0.6));
      for (const s of symbols) state[s].ageMs = moved.includes(s) ? 0 : state[s].ageMs + 250;
      for (const s of moved) {
        state[s].last += (Math.random() - 0.48) * 0.4;
        state[s].volume += Math.round(Math.random() * 2000);
      }
      const changedSymbols = symbols.filter((s) => moved.includes(s) || (s === "MSFT" && tick === 7));
      send(onBatch, { quotes: changedSymbols.map(view), connection: "live", sentAtMs: Date.now() });
    }, 250);
  }

  // Chart history: bars cut from one made-up price path, so pages and timeframes
  // agree and the newest bar ends near the streamed price. Times are aligned
  // like the simulator's: intraday on epoch multiples, days at 00:00 UTC, weeks
  // on Mondays. Symbols the mock has no price for have no bars.
  const DAY = 86_400;
  const startedAt = Date.now() / 1000;
  const hash = (n) => {
    const x = Math.sin(n * 12.9898) * 43758.5453;
    return x - Math.floor(x);
  };
  const wave = (symbol, t) => {
    const seed = [...symbol].reduce((a, c) => a + c.charCodeAt(0), 0);
    return (
      0.2 * Math.sin(t / DAY / 300 + seed) +
      0.05 * Math.sin(t / DAY / 9 + seed) +
      0.02 * Math.sin(t / 3600 / 7 + seed * 2) +
      0.006 * Math.sin(t / 900 + seed * 3) +
      0.004 * (hash(t + seed) - 0.5)
    );
  };
  const pathPrice = (symbol, t) => prices[symbol] * (1 + wave(symbol, t) - wave(symbol, startedAt));
  function chartHistory({ symbol, resolution, from, to }) {
    if (!prices[symbol]) return [];
    const now = Date.now() / 1000;
    const step = resolution === "1W" ? 7 * DAY : resolution === "1D" ? DAY : Number(resolution) * 60;
    const align = (t) => {
      if (step < DAY) return t - (t % step);
      const day = t - (t % DAY);
      return resolution === "1W" ? day - ((day / DAY + 3) % 7) * DAY : day; // 1970-01-01 was a Thursday
    };
    const bars = [];
    const first = align(from) < from ? align(from) + step : align(from);
    for (let t = first; t < to && t <= now; t += step) {
      const open = pathPrice(symbol, t);
      const close = pathPrice(symbol, Math.min(t + step, now));
      const reach = prices[symbol] * 0.0012 * (step / 60) ** 0.35;
      bars.push({
        time: t,
        open: +open.toFixed(2),
        high: +(Math.max(open, close) + reach * hash(t)).toFixed(2),
        low: +(Math.min(open, close) - reach * hash(t + 1)).toFixed(2),
        close: +close.toFixed(2),
        volume: Math.round((step / 60) * (4000 + 20000 * hash(t + 2))),
      });
    }
    return bars;
  }
  let chartFailures = scenario === "chartDown" ? 1 : 0;

  // Symbol search, ranked like the simulator's: exact symbol, symbol prefixes
  // (shortest first), then names containing the query. A one-letter query
  // answers late, so a quick typist's older answer arrives after the newer one.
  // `window.__preview.searchFailures = n` fails the next n searches.
  const symbolList = [
    ["AAPL", "Apple Inc."],
    ["MSFT", "Microsoft Corporation"],
    ["NVDA", "NVIDIA Corporation"],
    ["AMZN", "Amazon.com, Inc."],
    ["META", "Meta Platforms, Inc."],
    ["GOOGL", "Alphabet Inc. Class A"],
    ["TSLA", "Tesla, Inc."],
    ["MA", "Mastercard Incorporated"],
    ["MS", "Morgan Stanley"],
    ["MSCI", "MSCI Inc."],
    ["MU", "Micron Technology, Inc."],
    ["MCD", "McDonald's Corporation"],
    ["MRK", "Merck & Co., Inc."],
    ["SPY", "SPDR S&P 500 ETF Trust"],
    ["QQQ", "Invesco QQQ Trust"],
  ];
  window.__preview.searchFailures = 0;
  async function searchSymbols({ query }) {
    const q = query.trim().toUpperCase();
    await new Promise((r) => setTimeout(r, q.length === 1 ? 400 : 40));
    if (window.__preview.searchFailures > 0) {
      window.__preview.searchFailures--;
      return reject({ code: "network", message: "Aries did not answer in time. Check your connection.", retryable: true });
    }
    const rank = ([symbol, name]) =>
      symbol === q ? [0, 0] : symbol.startsWith(q) ? [1, symbol.length] : name.toUpperCase().includes(q) ? [2, 0] : null;
    return symbolList
      .map((entry) => ({ entry, rank: rank(entry) }))
      .filter((r) => r.rank)
      .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.entry[0].localeCompare(b.entry[0]))
      .slice(0, 20)
      .map(({ entry: [symbol, description] }) => ({
        symbol,
        description,
        exchange: symbol === "SPY" ? "ARCX" : "XNAS",
        kind: "stock",
      }));
  }

  // One account stream per panel, as in Rust's registry (the blotter, positions and balances each watch).
  const accountChannels = {};
  const toAccount = (event) => Object.values(accountChannels).forEach((channel) => send(channel, event));

  // Positions and balances, kept like the simulator's ledger: money as decimal strings, computed
  // here in integer cents and ten-thousandths so the mock itself does no float money.
  const ledgers = {
    "SIM-1001": {
      cash: 4821055, // cents
      startCash: 4821055,
      positions: {
        AAPL: { qty: 120, avg: 1824575, day: 1861000, realized: 0 }, // prices in 1/10000 dollars
        TSLA: { qty: -40, avg: 1781000, day: 1730500, realized: 0 },
      },
    },
    "LIVE-2231": { cash: 1250000, startCash: 1250000, positions: { MSFT: { qty: 10, avg: 3985000, day: 4012000, realized: 0 } } },
  };
  const cents = (n) => `${n < 0 ? "-" : ""}${Math.floor(Math.abs(n) / 100)}.${String(Math.abs(n) % 100).padStart(2, "0")}`;
  const tenThousandths = (n) => `${Math.floor(n / 10000)}.${String(n % 10000).padStart(4, "0")}`;
  const mark = (symbol) => Math.round((state[symbol]?.last ?? prices[symbol] ?? 50) * 100) * 100; // whole cents
  const positionView = (symbol, p) => ({
    symbol,
    quantity: String(p.qty),
    averagePrice: tenThousandths(p.avg),
    marketValue: cents((p.qty * mark(symbol)) / 100),
    unrealizedPl: cents(Math.round(((mark(symbol) - p.avg) * p.qty) / 100)),
    dailyPl: cents(p.realized + Math.round(((mark(symbol) - p.day) * p.qty) / 100)),
  });
  const positionsOf = (accountId) =>
    Object.entries(ledgers[accountId]?.positions ?? {})
      .filter(([, p]) => p.qty !== 0)
      .map(([symbol, p]) => positionView(symbol, p));
  function balancesOf(accountId) {
    const l = ledgers[accountId];
    if (!l)
      return {
        totalEquity: null,
        buyingPower: null,
        settledFunds: null,
        unrealizedPl: null,
        realizedPl: null,
        startOfDayEquity: null,
        unsettledFunds: null,
        maintenanceRequirement: null,
      };
    const open = Object.entries(l.positions).filter(([, p]) => p.qty !== 0);
    const value = open.reduce((sum, [symbol, p]) => sum + (p.qty * mark(symbol)) / 100, 0);
    const unrealized = open.reduce((sum, [symbol, p]) => sum + Math.round(((mark(symbol) - p.avg) * p.qty) / 100), 0);
    const realized = Object.values(l.positions).reduce((sum, p) => sum + p.realized, 0);
    return {
      totalEquity: cents(l.cash + value),
      buyingPower: cents(2 * (l.cash + value)),
      settledFunds: cents(l.cash),
      unrealizedPl: cents(unrealized),
      realizedPl: cents(realized),
      startOfDayEquity: cents(l.startOfDayEquity ?? (l.startOfDayEquity = Math.round(l.cash + value) - 12345)),
      unsettledFunds: cents(0),
      maintenanceRequirement: cents(Math.round(value * 0.25)),
    };
  }
  /** A market order fills at the mark: the position, cash and the balances move, and the stream says so. */
  function fill(accountId, symbol, side, quantity) {
    const l = ledgers[accountId];
    const price = mark(symbol);
    const delta = side === "SELL" ? -quantity : quantity;
    const p = (l.positions[symbol] ??= { qty: 0, avg: 0, day: 0, realized: 0 });
    if (p.qty === 0 || Math.sign(p.qty) === Math.sign(delta)) {
      p.avg = Math.round((Math.abs(p.qty) * p.avg + quantity * price) / (Math.abs(p.qty) + quantity));
      p.day = Math.round((Math.abs(p.qty) * p.day + quantity * price) / (Math.abs(p.qty) + quantity));
    } else {
      const closed = Math.min(quantity, Math.abs(p.qty));
      p.realized += Math.round((closed * (p.qty > 0 ? price - p.avg : p.avg - price)) / 100);
    }
    p.qty += delta;
    l.cash -= (delta * price) / 100;
    toAccount({ kind: "position", position: positionView(symbol, p) });
    toAccount({ kind: "balance", balances: balancesOf(accountId) });
  }
  const reject = (error) => Promise.reject(error);

  // The saved watchlists (src-tauri/watchlists.rs): one user's lists, each edit answered with all of them.
  const lists = {
    lists: [{ id: 1, name: "Watchlist", symbols: ["AAPL", "MSFT", "SPY"] }],
    current: 1,
    maxName: 40,
    maxSymbols: 200,
    maxLists: 20,
  };
  const refused = (message) => reject({ code: "validation", message, retryable: false });
  function editWatchlist({ edit }) {
    const list = lists.lists.find((l) => l.id === edit.list);
    if (edit.kind !== "create" && !list) return refused("That watchlist no longer exists: it may have been deleted.");
    switch (edit.kind) {
      case "create": {
        const id = Math.max(...lists.lists.map((l) => l.id)) + 1;
        lists.lists.push({ id, name: edit.name.trim(), symbols: [] });
        lists.current = id;
        break;
      }
      case "rename":
        list.name = edit.name.trim();
        break;
      case "delete":
        if (lists.lists.length === 1) return refused("This is your only watchlist: create another before deleting it.");
        lists.lists = lists.lists.filter((l) => l !== list);
        if (lists.current === edit.list) lists.current = lists.lists[0].id;
        break;
      case "select":
        lists.current = edit.list;
        break;
      case "add": {
        const symbol = edit.symbol.trim().toUpperCase();
        if (list.symbols.includes(symbol)) return refused(`${symbol} is already in “${list.name}”.`);
        list.symbols.push(symbol);
        break;
      }
      case "remove":
        list.symbols = list.symbols.filter((s) => s !== edit.symbol);
        break;
      case "move":
        list.symbols = list.symbols.filter((s) => s !== edit.symbol);
        list.symbols.splice(edit.to, 0, edit.symbol);
        break;
    }
    return structuredClone(lists);
  }

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
    search_symbols: (args) => searchSymbols(args),
    watch_quotes: (args) => watchQuotes(args),
    unwatch_quotes: (args) => unwatchQuotes(args),
    watchlists: () => structuredClone(lists),
    edit_watchlist: (args) => editWatchlist(args),
    // The account socket has dropped once, to show a count in the header's readout.
    watch_streams: ({ onState }) =>
      send(onState, { market: { state: "live", reconnects: 0 }, account: { state: "live", reconnects: 1 } }),
    chart_history: (args) =>
      chartFailures-- > 0
        ? reject({ code: "network", message: "Aries did not answer in time. Check your connection.", retryable: true })
        : chartHistory(args),
    watch_account: ({ panel, onEvent }) => {
      accountChannels[panel] = onEvent;
      if (panel === "blotter") send(onEvent, { kind: "snapshot", orders: structuredClone(orders) });
    },
    positions: ({ accountId }) =>
      scenario === "positionsDown"
        ? reject({ code: "network", message: "Aries did not answer in time. Check your connection.", retryable: true })
        : positionsOf(accountId),
    balances: ({ accountId }) => balancesOf(accountId),
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
      setTimeout(() => toAccount({ kind: "order", order: { ...placed, status: "NEW", updatedAt: now() } }), 400);
      if (ticket.kind === "MARKET") {
        setTimeout(() => {
          Object.assign(placed, { status: "FILLED", filled: ticket.quantity, working: false, updatedAt: now() });
          toAccount({ kind: "order", order: structuredClone(placed) });
          fill(ticket.accountId, ticket.symbol, ticket.side, Number(ticket.quantity));
        }, 700);
      }
      return { outcome: "accepted", order: placed };
    },
    cancel_order: ({ clOrdId }) => {
      const found = orders.find((o) => o.clOrdId === clOrdId);
      if (!found) return { outcome: "rejected", reason: "Unknown order" };
      Object.assign(found, { status: "CANCELED", working: false, updatedAt: now() });
      return { outcome: "accepted", order: structuredClone(found) };
    },
    order_history: () => ({ orders: [], nextCursor: null }),
    // In-app updates: a release is offered; the download streams progress; the
    // install is refused as Rust refuses it while an order's outcome is unknown.
    update_status: () => structuredClone(update),
    check_update: () => updateTo({ phase: "available", release: RELEASE }),
    download_update: async () => {
      updateTo({ phase: "downloading", received: 0, total: 8_400_000 });
      for (let received = 700_000; received < 8_400_000; received += 700_000) {
        await new Promise((r) => setTimeout(r, 150));
        updateTo({ received });
      }
      return updateTo({ phase: "ready", received: 8_400_000 });
    },
    install_update: () => {
      const message =
        "Not now: 1 order still waits for an answer from Aries. The update installs once every order's outcome is known (see the order list); nothing was installed.";
      updateTo({ message });
      throw { code: "update.orders_unknown", message, retryable: true };
    },
    order_chain: ({ clOrdId }) => ({ clientId: null, clOrdIds: [clOrdId] }),
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
