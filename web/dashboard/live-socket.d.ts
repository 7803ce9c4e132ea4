/** Types of `live-socket.js` (plain ES module served to the browser), for the unit tests. */
export declare function backoffDelay(attempt: number, random?: () => number): number;
