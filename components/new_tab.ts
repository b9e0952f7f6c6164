/**
 * Whether links to Parley's own pages open in a new tab: inside the widget frame on another site,
 * a program card must open its page beside the site, never inside the small frame.
 */
import { createContext } from "preact";

export const NewTabContext = createContext(false);
