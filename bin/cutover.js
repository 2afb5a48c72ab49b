#!/usr/bin/env node
'use strict';
// The `cutover` command: the compiled CLI (npm run build) does the work.
require('../dist/src/cli/main.js');
