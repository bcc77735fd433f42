// An independent, OpenID Certified authorization server (panva's oidc-provider)
// on 127.0.0.1 and a random port, for crates/aries-client/tests/interop_oidc.rs.
// It registers the desktop app the way a standards-following server would: a
// public native client (no secret, token_endpoint_auth_method "none"), PKCE
// S256 required, the app's deep link and loopback redirects, and rotating
// refresh tokens. Sign-in answers carry `iss` (RFC 9207), as the provider does
// by default. The user is signed in and consents without a page: a GET of the
// interaction URL approves a fixed test user, so a test's HTTP client only
// follows redirects. Test use only.
//
// When ready it prints one JSON line: {"issuer", "authorize", "token", "client_id"}.
// It runs until killed.

import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";

import Provider from "oidc-provider";

// The provider prints its notices with console.info, i.e. on stdout, which
// carries only the ready line.
console.info = console.error;

const CLIENT_ID = "aries-desk";
const TEST_USER = "interop-user";
// The scopes the desktop asks Aries for (docs/aries-api.md §2); the provider
// grants only scopes it knows.
const SCOPES = [
  "user:information",
  "account:information",
  "order:execution",
  "order:information",
  "position:information",
  "market:information",
];

const server = createServer();
await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
const issuer = `http://127.0.0.1:${server.address().port}`;

// ID tokens are never asked for (no `openid` scope), but the provider wants a
// signing key for the client's default RS256; made per run, never stored.
const signingKey = {
  ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
  kid: "interop",
  use: "sig",
  alg: "RS256",
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      application_type: "native",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      // A native client's loopback redirect matches any port (RFC 8252 §7.3).
      redirect_uris: ["dev.ariesdesk:/oauth/callback", "http://127.0.0.1/oauth/callback"],
    },
  ],
  scopes: ["openid", "offline_access", ...SCOPES],
  pkce: { required: () => true },
  // Aries issues a refresh token with every sign-in; OpenID's default would
  // want `offline_access` and a consent prompt.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
  // Every refresh spends the presented token; presenting a spent one is
  // `invalid_grant` and revokes the grant (RFC 9700 §4.14).
  rotateRefreshToken: true,
  // Aries's lifetimes (docs/aries-api.md §0, §3.3), in seconds.
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 600,
    RefreshToken: 30 * 24 * 3600,
    Grant: 30 * 24 * 3600,
    Interaction: 600,
    Session: 3600,
  },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  cookies: { keys: [randomBytes(32).toString("base64url")] },
  jwks: { keys: [signingKey] },
  features: { devInteractions: { enabled: false } },
});

// The interaction URL (the provider's default, `/interaction/<uid>`): approve
// whatever is asked, login first, then consent to the requested scopes.
async function interact(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params } = details;
  if (prompt.name === "login") {
    return provider.interactionFinished(req, res, { login: { accountId: TEST_USER } }, { mergeWithLastSubmission: false });
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(" "));
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const handle = provider.callback();
server.on("request", (req, res) => {
  if (req.method === "GET" && req.url.startsWith("/interaction/")) {
    interact(req, res).catch((error) => {
      console.error(error);
      res.statusCode = 500;
      res.end(String(error));
    });
    return;
  }
  handle(req, res);
});

console.log(
  JSON.stringify({ issuer, authorize: `${issuer}/auth`, token: `${issuer}/token`, client_id: CLIENT_ID }),
);
