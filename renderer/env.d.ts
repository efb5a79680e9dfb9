// Vite imports stylesheets for their side effect; nothing is exported.
declare module '*.css';
