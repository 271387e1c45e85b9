// First: crypto.getRandomValues, which Hermes lacks and the rendering client needs for its
// Idempotency-Key (receipt signatures are checked in pure JS and need nothing native).
import 'react-native-get-random-values';
import { registerRootComponent } from 'expo';
import App from './App';

registerRootComponent(App);
