// The generation runs here, off the main thread; the page talks to it through createVopopClient.
import { exposeVopopWorker } from '@vopop/web-adapter';

exposeVopopWorker();
