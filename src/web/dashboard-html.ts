/** Where the server lists a modulepreload link for each client module it serves. */
export const MODULE_PRELOADS = "<!--modulepreload-->";

/**
 * The dashboard's one page. The API reads it starts with are preloaded alongside the modules, so
 * they do not wait for the scripts to load. Everything else is drawn by the client modules (/assets/app.mjs)
 * from the API; nothing is loaded from another origin.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Escalator</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/style.css">
<script type="module" src="/assets/app.mjs"></script>
<!--modulepreload-->
<link rel="preload" href="/api/v1" as="fetch" crossorigin="anonymous">
<link rel="preload" href="/api/v1/ladder" as="fetch" crossorigin="anonymous">
<link rel="preload" href="/api/v1/status" as="fetch" crossorigin="anonymous">
<link rel="preload" href="/api/v1/checks" as="fetch" crossorigin="anonymous">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <h1>Escalator <span id="environment"></span></h1>
  <nav aria-label="Pages">
    <ul>
      <li><a href="#/" data-route="overview">Overview</a></li>
      <li><a href="#/history" data-route="history">History</a></li>
      <li id="nav-verdicts" hidden><a href="#/verdicts" data-route="verdicts">Value</a></li>
      <li id="nav-repo" hidden><a href="#/repo" data-route="repo">Repository</a></li>
    </ul>
  </nav>
  <p id="connection" class="connection" role="status" data-live="connecting">Connecting…</p>
</header>
<main id="main" tabindex="-1">
  <p>Loading…</p>
</main>
<p id="notice" class="notice" role="alert" hidden></p>
<dialog id="token-dialog" aria-labelledby="token-title" aria-describedby="token-about token-message">
  <form id="token-form" method="dialog">
    <h2 id="token-title">API token needed</h2>
    <p id="token-about">This daemon asks for a bearer token before it changes anything. The token is kept for this browser tab only.</p>
    <p id="token-message" class="problem"></p>
    <label for="token-input">API token</label>
    <input id="token-input" name="token" type="password" autocomplete="off" required>
    <div class="buttons">
      <button type="submit" value="ok">Use token</button>
      <button type="button" id="token-cancel">Cancel</button>
    </div>
  </form>
</dialog>
</body>
</html>
`;
