// A release server on loopback for the update e2e test: it serves `latest.json`
// and the update's bytes, signed in the test with a throwaway minisign key
// made with Node's own crypto (Ed25519 over the BLAKE2b-512 of the file, the
// prehashed "ED" form `tauri signer sign` writes), so no key leaves the test.
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { createServer } from "node:http";

/** A throwaway signing key: `pubkey` in the form tauri.conf.json's `plugins.updater.pubkey` takes. */
export function makeKey() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url");
  const keyId = randomBytes(8);
  const keyIdHex = Buffer.from(keyId).reverse().toString("hex").toUpperCase();
  const file = `untrusted comment: minisign public key: ${keyIdHex}\n${Buffer.concat([Buffer.from("Ed"), keyId, raw]).toString("base64")}\n`;
  return {
    pubkey: Buffer.from(file).toString("base64"),
    /** The `.sig` contents for `data` announced as `version`, base64 as latest.json carries it. */
    sign(data, version) {
      const hash = createHash("blake2b512").update(data).digest();
      const signature = sign(null, hash, privateKey);
      const trusted = `timestamp:${Math.floor(Date.now() / 1000)}\tfile:aries-desk.AppImage\tversion:${version}`;
      const global = sign(null, Buffer.concat([signature, Buffer.from(trusted)]), privateKey);
      const text = [
        "untrusted comment: signature from the e2e test's throwaway key",
        Buffer.concat([Buffer.from("ED"), keyId, signature]).toString("base64"),
        `trusted comment: ${trusted}`,
        global.toString("base64"),
        "",
      ].join("\n");
      return Buffer.from(text).toString("base64");
    },
  };
}

/**
 * Serves `release()` as latest.json and `bundle()` slowly (so the progress bar
 * has time to show), on one loopback port that survives `stop()` and `start()`
 * (the app keeps asking the same endpoint). `hits` counts latest.json requests.
 */
export function releaseServer({ release, bundle, chunk = 64 * 1024, pauseMs = 60 }) {
  let server;
  let port = 0;
  const state = { hits: 0 };
  const handler = async (req, res) => {
    if (req.url === "/latest.json") {
      state.hits += 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(release(`http://127.0.0.1:${port}/aries-desk.AppImage`)));
      return;
    }
    const bytes = bundle();
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    for (let at = 0; at < bytes.length; at += chunk) {
      res.write(bytes.subarray(at, at + chunk));
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    res.end();
  };
  return {
    state,
    get endpoint() {
      return `http://127.0.0.1:${port}/latest.json`;
    },
    start() {
      server = createServer(handler);
      return new Promise((ok) => server.listen(port, "127.0.0.1", () => ok((port = server.address().port))));
    },
    /** Nothing listens any more: the next check meets a refused connection. */
    stop() {
      return new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}
