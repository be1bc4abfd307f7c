export * from '@huggingface/transformers';
