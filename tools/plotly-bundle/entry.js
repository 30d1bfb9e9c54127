// The trace types the workbench draws: scatter (in Plotly's core), bar and heatmap.
// Add a trace type here when a page starts drawing a new one, then run build.sh.
'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);
module.exports = Plotly;
