// oauth-clients.mjs: OAuth clients that nobody here wrote complete klipy-mcp's
// hosted sign-in, with the sign-in page submitted by this script (fetch and
// form posts, as a person's browser would).
//
//   node oauth-clients.mjs sdk URL KEY            the TypeScript SDK's OAuthClientProvider
//   node oauth-clients.mjs mcp-remote URL PROXY   mcp-remote (PROXY: its dist/proxy.js) over stdio
//   node oauth-clients.mjs browser AUTH_URL       a stand-in browser (mcp-remote's $BROWSER)
//
// Each client lists the tools (the whole catalogue for the sandbox key;
// $KLIPY_WANT_TOOLS) and calls one.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";

const KEY = process.env.KLIPY_SIGNIN_KEY || "klipy_api_sandbox";
const WANT_TOOLS = Number(process.env.KLIPY_WANT_TOOLS || 14); // the full catalogue for the sandbox key

const fail = (msg) => {
  console.error("FAIL: " + msg);
  process.exit(1);
};

// hidden returns a sign-in page's hidden form fields.
const hidden = (html) =>
  Object.fromEntries([...html.matchAll(/name="(request|csrf)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));

// signIn plays the person: open the authorization URL, paste the key, press
// Allow; it returns the URL the server redirects back to (the client's
// redirect_uri with code and state).
async function signIn(authUrl) {
  let r = await fetch(authUrl, { redirect: "manual" });
  const cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  let html = await r.text();
  if (r.status !== 200 || !html.includes('name="api_key"')) fail(`sign-in page: HTTP ${r.status}`);
  console.log(`sign-in page: ${html.match(/<h1>(.*?)<\/h1>/)[1]}`);
  const post = (fields) =>
    fetch(new URL("/authorize", authUrl), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams(fields),
    });
  r = await post({ ...hidden(html), api_key: KEY });
  html = await r.text();
  if (r.status !== 200 || !html.includes('value="approve"')) fail(`consent page: HTTP ${r.status}`);
  console.log(`consent page: ${html.match(/<h1>(.*?)<\/h1>/)[1]}`);
  r = await post({ ...hidden(html), decision: "approve" });
  const loc = r.headers.get("location");
  if (r.status !== 303 || !loc) fail(`approve: HTTP ${r.status}`);
  return new URL(loc);
}

// listAndCall lists the tools and calls get_workspace.
async function listAndCall(client) {
  const { tools } = await client.listTools();
  console.log(`tools/list: ${tools.length} tools`);
  if (tools.length !== WANT_TOOLS) fail(`want ${WANT_TOOLS} tools, got ${tools.length}`);
  const res = await client.callTool({ name: "get_workspace", arguments: {} });
  const text = res.content?.find((c) => c.type === "text")?.text ?? "";
  console.log(`tools/call get_workspace: isError=${!!res.isError} ${text.slice(0, 120).replace(/\n/g, " ")}`);
  if (res.isError) fail("get_workspace returned an error");
}

// sdk runs the TypeScript SDK's OAuth flow: discovery, dynamic registration,
// PKCE, the page, the token, then tools with the token, and a refresh.
async function sdk(url) {
  const store = {};
  let authUrl;
  const provider = {
    get redirectUrl() {
      return "http://127.0.0.1:1/callback";
    },
    get clientMetadata() {
      return {
        client_name: "TypeScript SDK CI client",
        redirect_uris: ["http://127.0.0.1:1/callback"],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      };
    },
    state: () => "ci-state",
    clientInformation: () => store.client,
    saveClientInformation: (c) => (store.client = c),
    tokens: () => store.tokens,
    saveTokens: (t) => (store.tokens = t),
    redirectToAuthorization: (u) => (authUrl = u),
    saveCodeVerifier: (v) => (store.verifier = v),
    codeVerifier: () => store.verifier,
  };
  const connect = async () => {
    const client = new Client({ name: "ci-ts-sdk", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
    return client;
  };
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  try {
    await new Client({ name: "ci-ts-sdk", version: "1.0.0" }).connect(transport);
    fail("connected without signing in");
  } catch (e) {
    if (!(e instanceof UnauthorizedError) || !authUrl) throw e;
  }
  console.log(`registered client ${store.client.client_id.slice(0, 12)}…; authorization URL ${authUrl.origin}${authUrl.pathname}`);
  const back = await signIn(authUrl);
  if (back.searchParams.get("state") !== "ci-state") fail("state did not round-trip");
  await transport.finishAuth(back.searchParams.get("code"));
  console.log(`token: ${store.tokens.token_type}, expires_in ${store.tokens.expires_in}, refresh token ${store.tokens.refresh_token ? "yes" : "no"}`);
  const client = await connect();
  await listAndCall(client);
  await client.close();
  // Refresh: make the SDK think the token is spent; it must refresh and go on.
  const before = store.tokens.access_token;
  store.tokens = { ...store.tokens, access_token: "kmcp_at_spent" };
  const again = await connect();
  await listAndCall(again);
  if (store.tokens.access_token === before || store.tokens.access_token === "kmcp_at_spent") fail("the SDK did not refresh");
  console.log("refresh: the SDK refreshed the token after a 401 and continued");
  await again.close();
}

// mcpRemote runs mcp-remote as a stdio proxy in front of the server; it opens
// "the browser" ($BROWSER, this script's browser mode), which signs in and
// follows the redirect to mcp-remote's callback server.
async function mcpRemote(url, proxy) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [proxy, url, "--allow-http", "--host", "127.0.0.1"],
    env: { ...process.env },
    stderr: "inherit",
  });
  const client = new Client({ name: "ci-mcp-remote", version: "1.0.0" });
  await client.connect(transport);
  await listAndCall(client);
  await client.close();
}

async function browser(authUrl) {
  const back = await signIn(new URL(authUrl));
  const r = await fetch(back);
  console.error(`browser: returned to the client's callback: HTTP ${r.status}`);
}

const [mode, a, b] = process.argv.slice(2);
const run = { sdk: () => sdk(a), "mcp-remote": () => mcpRemote(a, b), browser: () => browser(a) }[mode];
if (!run) fail(`unknown mode ${mode}`);
const timer = setTimeout(() => fail("timed out after 90 s"), 90_000);
run()
  .then(() => {
    clearTimeout(timer);
    console.log(`${mode}: OK`);
  })
  .catch((e) => fail(e.stack || String(e)));
