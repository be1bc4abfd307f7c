/** Where the bundled model lives inside the extension (public/ → build root). */
export const MODEL_DIR = 'models/abstract-gpt';
