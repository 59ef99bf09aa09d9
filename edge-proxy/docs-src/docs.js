// Starts Swagger UI on /docs with the proxy's own OpenAPI document.
//
// A separate file, not an inline <script>, so the page works under a strict
// Content-Security-Policy. The document is loaded from the origin that serves
// this page: the docs always describe the proxy they are served by.
'use strict';

window.addEventListener('DOMContentLoaded', function startSwaggerUi() {
  window.ui = SwaggerUIBundle({
    url: new URL('/v1/openapi.json', window.location.origin).href,
    dom_id: '#swagger-ui',
    // The plain layout: no top bar with a free-form "load any URL" box.
    layout: 'BaseLayout',
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    // Links to an operation (#/Holds/createHold) open it.
    deepLinking: true,
    // "Try it out" is offered on every operation; requests go to this proxy.
    supportedSubmitMethods: ['get', 'post', 'patch', 'delete'],
    tryItOutEnabled: false,
    displayRequestDuration: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    // Keys typed into "Authorize" are forgotten when the tab closes.
    persistAuthorization: false,
    // Never send the document to validator.swagger.io, never read config from the query string.
    validatorUrl: null,
    queryConfigEnabled: false,
  });
});
