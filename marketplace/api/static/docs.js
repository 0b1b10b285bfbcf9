// Swagger UI over /api/v1/openapi.json, from this server only: the site's Content-Security-
// Policy (script-src 'self') allows no inline script, so the set-up lives here.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.apiDocs = window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    validatorUrl: null,             // no badge fetched from another site
    tryItOutEnabled: false,
    persistAuthorization: false     // a token is never kept in the browser's storage
  });
});
