package ai.ominix.server;

public final class Main {
    public static void main(String[] args) {
        System.out.println("ominix");
    }
}
