/**
 * The worker side of the parse pool (`parse-pool.ts`): extracts each file it is sent and posts
 * the result back with the request's id. Pure computation; the main thread does all file I/O.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import { extractFile } from './extract.js';
import type { ParseRequest, ParseResponse } from './parse-pool.js';

parentPort?.on('message', (request: ParseRequest) => {
  let response: ParseResponse;
  try {
    // JSON text crosses the thread boundary faster than a structured clone of many small objects.
    response = {
      id: request.id,
      json: JSON.stringify(extractFile(request.file, request.text, request.options)),
    };
  } catch (err: unknown) {
    response = { id: request.id, error: errorMessage(err) };
  }
  parentPort?.postMessage(response);
});
