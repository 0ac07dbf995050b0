// A local OpenID Provider for the roaming sign-in tests, built on the npm package
// oidc-provider (an OpenID-certified implementation).
//
// Usage: node provider.mjs CONFIG.json
//
// CONFIG.json contains {port, client: {client_id, client_secret, redirect_uris}, jwks: {keys: [...]},
// accounts: {username: {sub, claims}}}. Port 0 picks a free loopback port. When the server
// listens, one JSON line {"issuer": "http://127.0.0.1:PORT"} goes to stdout.
//
// Interaction: /interaction/:uid shows a one-field sign-in form (username, no password); consent
// is granted automatically. Test hooks under /__test/ (loopback only, never in production):
//   PUT  /__test/accounts/:username      replace an account ({sub, claims})
//   POST /__test/next-token-response     merge this object into the next token response;
//                                        a null value removes that member
//   POST /__test/next-userinfo           answer the next UserInfo request with this object
//   GET  /__test/stats                   request counts, e.g. {"jwks": 2}

import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = new Map(Object.entries(config.accounts));
const stats = { jwks: 0, token: 0, userinfo: 0 };
const pending = { token: null, userinfo: null };

function accountBySub(sub) {
  for (const account of accounts.values()) {
    if (account.sub === sub) return account;
  }
  return undefined;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function signInForm(uid, message) {
  const error = message ? `<p role="alert">${escapeHtml(message)}</p>` : '';
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test identity service</title></head>
<body><main><h1>Test identity service</h1>${error}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="username">Username</label> <input id="username" name="username" autocomplete="username">
<button type="submit">Sign in</button></form></main></body></html>`;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer();
server.listen(config.port || 0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    clients: [{ ...config.client, grant_types: ['authorization_code'], response_types: ['code'] }],
    jwks: config.jwks,
    cookies: { keys: ['local-test-provider-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      eduinfo: ['eduinfo'],
      personid: ['personid'],
    },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const account = accountBySub(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account.claims, sub }) };
    },
    // Grant every requested scope without a consent screen: the tests act as a user who agrees.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
      await grant.save();
      return grant;
    },
  });

  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/jwks') stats.jwks += 1;
    if (ctx.path === '/token' && ctx.status === 200) {
      stats.token += 1;
      if (pending.token) {
        const body = { ...ctx.body };
        for (const [name, value] of Object.entries(pending.token)) {
          if (value === null) delete body[name];
          else body[name] = value;
        }
        ctx.body = body;
        pending.token = null;
      }
    }
    if (ctx.path === '/me' && ctx.status === 200) {
      stats.userinfo += 1;
      if (pending.userinfo) {
        ctx.body = pending.userinfo;
        pending.userinfo = null;
      }
    }
  });

  const providerHandler = provider.callback();

  server.on('request', async (req, res) => {
    const url = new URL(req.url, issuer);
    try {
      const hook = url.pathname.match(/^\/__test\/(.+)$/);
      if (hook) {
        const route = hook[1];
        if (req.method === 'GET' && route === 'stats') return sendJson(res, 200, stats);
        const body = JSON.parse((await readBody(req)) || '{}');
        const accountRoute = route.match(/^accounts\/(.+)$/);
        if (req.method === 'PUT' && accountRoute) {
          accounts.set(decodeURIComponent(accountRoute[1]), body);
          return sendJson(res, 200, { ok: true });
        }
        if (req.method === 'POST' && route === 'next-token-response') {
          pending.token = body;
          return sendJson(res, 200, { ok: true });
        }
        if (req.method === 'POST' && route === 'next-userinfo') {
          pending.userinfo = body;
          return sendJson(res, 200, { ok: true });
        }
        return sendJson(res, 404, { error: 'unknown test hook' });
      }

      const interaction = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
      if (interaction) {
        const details = await provider.interactionDetails(req, res);
        if (req.method === 'GET') {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          return res.end(signInForm(details.uid));
        }
        const form = new URLSearchParams(await readBody(req));
        const account = accounts.get(form.get('username') || '');
        if (!account) {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          return res.end(signInForm(details.uid, 'Unknown username.'));
        }
        return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, {
          mergeWithLastSubmission: false,
        });
      }

      return providerHandler(req, res);
    } catch (error) {
      process.stderr.write(`test provider error: ${error.stack}\n`);
      if (!res.headersSent) sendJson(res, 500, { error: String(error.message) });
    }
  });

  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
