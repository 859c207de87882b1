#!/usr/bin/env node
'use strict';
// Container liveness probe for the API: GET /api/health (no I/O behind it). Exit 0 when it answers 200.
const port = process.env.PORT || 3000;
fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2500) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
