// What every screen is given: where to draw, the address's parameters, and what the user may do.

import type { Location } from "./router.js";

export interface Screen {
  main: HTMLElement;
  location: Location;
  scopes: readonly string[];
  /** Shows the screen again (after an action changed what it shows). */
  refresh: () => void;
}

export function can(screen: Screen, scope: string): boolean {
  return screen.scopes.includes(scope);
}
