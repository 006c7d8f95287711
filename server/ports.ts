/** Fixed loopback ports: the extension's manifest names these origins (wxt.config.ts). */
export const PMP_PORT = 47810;
export const EHR_PORT = 47811;
export const HOST = '127.0.0.1';
