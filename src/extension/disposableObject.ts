import type * as vscode from 'vscode';

/**
 * Base of every surface: what it creates it registers at once, so one `dispose()` releases all of it
 * (hexeditor's and PR-github's habit), never "create here, push later".
 */
export abstract class DisposableObject implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) disposable.dispose();
    else this.disposables.push(disposable);
    return disposable;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Last created first, as a stack unwinds.
    for (const disposable of this.disposables.splice(0).reverse()) {
      try {
        disposable.dispose();
      } catch (error) {
        console.error('Carbon Meter: error while disposing', error);
      }
    }
  }
}
