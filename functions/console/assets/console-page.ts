/**
 * The console's one HTML page, `GET /console`: the frame the script fills
 * (sign-in form, navigation, a live notice, the view). It holds no data and
 * no inline script or style, so the Content-Security-Policy can forbid
 * both. Asset links are relative (`console/app.js`), so the page works
 * behind any stage path and offline alike; the favicon is an empty data
 * URL so the browser asks for nothing else.
 *
 * @example
 * const answer = { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: consolePage };
 */
const consolePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>sync-tools console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="console/app.css">
<script type="module" src="console/app.js"></script>
</head>
<body>
<header>
<span class="brand">sync-tools console</span>
<nav id="nav" aria-label="Views" hidden>
<a href="#/overview">Overview</a>
<a href="#/conflicts">Conflicts</a>
<a href="#/dlq">Dead letters</a>
<a href="#/settings">Settings</a>
<a href="#/schedules">Schedules</a>
<a href="#/records">Record lookup</a>
</nav>
<button id="signout" type="button" hidden>Sign out</button>
</header>
<form id="signin" method="post" hidden>
<h1>Sign in</h1>
<p>Type the admin token. It is kept in this browser tab only, for this session, and sent to the admin API as a bearer token.</p>
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="off" required>
<button type="submit">Sign in</button>
<p id="signin-message" class="error" role="alert"></p>
</form>
<p id="notice" role="status" aria-live="polite"></p>
<main id="main" tabindex="-1" hidden></main>
<noscript><p>The console needs JavaScript.</p></noscript>
</body>
</html>
`;

export { consolePage };
