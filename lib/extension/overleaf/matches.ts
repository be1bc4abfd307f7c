/** Overleaf project pages, where the editor lives (overleaf.com and its regional subdomains). */
export const OVERLEAF_MATCHES = ['https://www.overleaf.com/project/*', 'https://overleaf.com/project/*'];
